package attach

import (
	"fmt"

	"github.com/postsale/postsale/api"
	"github.com/postsale/postsale/api/sanitize"
)

// ThreatWarning is the sentence to show, with a yes/no question defaulting to no, before opening
// or saving an attachment Mercado Libre flagged; "" when it is not flagged.
func ThreatWarning(a api.Attachment) string {
	if !a.PotentialSecurityThreat {
		return ""
	}
	name := sanitize.Line(a.OriginalFilename)
	if name == "" {
		name = sanitize.Line(a.Filename)
	}
	return fmt.Sprintf("Mercado Libre flagged %q as a potential security threat: it may contain malware. Open or save it only if you trust the buyer and expected this file.", name)
}

// NeedsConfirmation reports whether the seller must explicitly agree before the attachment is
// opened or saved.
func NeedsConfirmation(a api.Attachment) bool { return a.PotentialSecurityThreat }
