package wizard

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"
	"github.com/sgwiz/sgwiz/aws"
)

// consoleURL is a group's console link, whole: it ends with the id.
var consoleURL = regexp.MustCompile(`https://console\.aws\.amazon\.com/ec2/home\?region=[a-z0-9-]+#SecurityGroup:groupId=(sg-[0-9a-f]+)`)

// TestConsoleLinksStayWhole: after apply at 80 columns no line ends with
// "groupId=" and the id on the next; the terminal gets the whole link as
// an OSC 8 hyperlink whose text shows the group's id, and the wizard has
// each link whole on a line of its own to print when it quits.
func TestConsoleLinksStayWhole(t *testing.T) {
	c, sb := sandboxCloud(t)
	tm := program(t, New(Options{Cloud: c, Where: "sandbox"}))
	send(tm, "enter", "enter", "enter", "203.0.113.10", "enter", "enter", "enter", "enter") // web server to the action
	send(tm, "down", "down", "enter")                                                       // Apply
	waitScreen(t, tm, "Apply these changes")                                                // the change list comes from AWS
	send(tm, "y", "enter")
	waitGroups(t, sb, 2) // the VPC's default group and web
	var id string
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool {
		// The renderer keeps the link of each cell: the terminal gets it.
		for _, m := range consoleURL.FindAllSubmatch(b, -1) {
			if bytes.Contains(b, []byte(ansi.SetHyperlink(string(m[0]), "id="+string(m[1])))) {
				id = string(m[1])
				return true
			}
		}
		return false
	}, teatest.WithDuration(3*time.Second), teatest.WithCheckInterval(10*time.Millisecond))
	tm.Quit()
	final := tm.FinalModel(t, teatest.WithFinalTimeout(3*time.Second)).(Model)
	out := screen(final)
	if !strings.Contains(out, "open "+id+" in the EC2 console") {
		t.Errorf("the link's text should show the group's id %s:\n%s", id, out)
	}
	for i, l := range strings.Split(out, "\n") {
		if strings.Contains(l, "groupId=") || ansi.StringWidth(l) > 80 {
			t.Errorf("line %d holds part of a link: %q", i+1, l)
		}
	}
	var whole bool
	for l := range strings.SplitSeq(final.Links(), "\n") {
		whole = whole || consoleURL.MatchString(l) && strings.HasSuffix(l, "groupId="+id)
	}
	if !whole {
		t.Errorf("the links to print on quitting should hold %s's whole, on a line of its own:\n%s", id, final.Links())
	}
}

// TestConsoleLinkIsTheLinkWhereItFits: on a screen wide enough the link's
// text is the link itself; else it says the group's id.
func TestConsoleLinkIsTheLinkWhereItFits(t *testing.T) {
	url := "https://console.aws.amazon.com/ec2/home?region=us-east-1#SecurityGroup:groupId=sg-0123456789abcdef0"
	g := aws.AppliedGroup{Name: "web", ID: "sg-0123456789abcdef0", Created: true, Console: url}
	for width, want := range map[int]string{120: url, 78: "open sg-0123456789abcdef0 in the EC2 console"} {
		got := consoleLink(g, width)
		if ansi.Strip(got) != want || !strings.Contains(got, ansi.SetHyperlink(url, "id=sg-0123456789abcdef0")) {
			t.Errorf("at %d columns: %q, want the text %q linked to %s", width, got, want, url)
		}
	}
}
