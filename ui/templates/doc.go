// Package templates is the reply-template picker: fuzzy filtering over the seller's templates,
// a live preview of the text expanded for the pack (character count, Latin-1 check, variables
// still without a value highlighted), and enter to hand the texts to compose. It also reads the
// pack's variables from the API (vars.go), for the picker and for `postsale send --template`.
package templates
