package common

import "github.com/postsale/postsale/api"

// BlockedReason turns a conversation's substatus into a sentence a seller can act on. The
// vocabulary lives in api.SubstatusReason; an unknown substatus is shown verbatim, never as an
// empty banner. Sanitise substatus before passing it.
func BlockedReason(substatus string) string { return api.SubstatusReason(substatus) }
