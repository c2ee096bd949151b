package model

import (
	"errors"
	"fmt"
	"strings"
)

// A text the model writes for a person — a finding's fix, an error — may
// point to where an answer is given: the office CIDRs, the egress policy,
// how a rule is made temporary. Each front end says that in its own
// words: the commands name a flag, the wizard a step and the key that
// reaches it. In the text such a pointer is written {name}, name being a
// Field constant or a Ref below. Finding.Fix and the errors' Error say the
// commands' words (Commands), so lint, audit and the exports print what
// they always have; Finding.FixIn and Wording.Error say a front end's.

// Refs a text may point to besides the answers' fields.
const (
	// RefGroupSource is how a rule's source becomes another group.
	RefGroupSource = "group_source"
	// RefTemporary is how a rule is made temporary.
	RefTemporary = "temporary"
	// RefReplace is how a group takes another's place on an interface.
	RefReplace = "replace"
)

// Wording says, by field or ref, how a front end points to where an
// answer is given.
type Wording map[string]string

// Commands is how the commands point to the answers: by their flags.
var Commands = Wording{
	FieldOffice:    "--office-cidr",
	RefGroupSource: "group:NAME or sg-…",
	RefTemporary:   "sgwiz allow, the wizard's l, --admin-for",
	RefReplace:     "--replace sg-…",
}

// Say is text with each pointer said in w's words; a pointer w has no
// words for is said in the commands'.
func (w Wording) Say(text string) string {
	if !strings.Contains(text, "{") {
		return text
	}
	pairs := make([]string, 0, 2*len(Commands))
	for name, words := range Commands {
		if mine, ok := w[name]; ok {
			words = mine
		}
		pairs = append(pairs, "{"+name+"}", words)
	}
	return strings.NewReplacer(pairs...).Replace(text)
}

// Error is err's text in w's words, where the model wrote it pointing to
// answers; the rest of it (what wraps it) as it is.
func (w Wording) Error(err error) string {
	msg := err.Error()
	var we *wordedError
	if errors.As(err, &we) {
		msg = strings.Replace(msg, we.Error(), w.Say(we.text), 1)
	}
	return msg
}

// wordedError is an error whose text points to answers: Error says them
// in the commands' words, Wording.Error in a front end's.
type wordedError struct{ text string }

func (e *wordedError) Error() string { return Commands.Say(e.text) }

// setFix sets the finding's fix: text may point to answers, also (the
// rules it names, which may hold any text) is said as it is.
func (f *Finding) setFix(text, also string) {
	f.fix, f.fixAlso = text, also
	f.Fix = Commands.Say(text) + also
}

// FixIn is the finding's fix in a front end's words.
func (f Finding) FixIn(w Wording) string {
	if f.Fix != Commands.Say(f.fix)+f.fixAlso {
		return f.Fix // set otherwise than by setFix
	}
	return w.Say(f.fix) + f.fixAlso
}

// Counted is n and its noun, plural when n is not 1: "1 rule", "2 rules",
// "2 entries". The wizard, apply's change list and the commands' own
// lines use it; lint's report and a few aws messages still write "(s)".
func Counted(n int, noun string) string {
	switch {
	case n == 1:
		return "1 " + noun
	case strings.HasSuffix(noun, "y"):
		return fmt.Sprintf("%d %sies", n, strings.TrimSuffix(noun, "y"))
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
