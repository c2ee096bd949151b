package wizard

import (
	"strings"
	"testing"

	"github.com/sgwiz/sgwiz/model"
)

// TestAddressBookInTheWizard: @office in the office field stands for the
// set, the field shows the name again when it comes back, the review
// shows the name beside the CIDR and says it in words, and an unknown
// name says what the book holds.
func TestAddressBookInTheWizard(t *testing.T) {
	book, err := model.ParseAddressBook([]byte("addresses:\n  office: [203.0.113.0/24, 2001:db8::/48]\n  vpn: [198.51.100.7/32]\n"))
	if err != nil {
		t.Fatal(err)
	}
	m := press(t, New(Options{Book: book}), "enter", "enter", "enter")
	if out := screen(m); !strings.Contains(out, "address book: @office, @vpn") {
		t.Errorf("the office field names the book's sets:\n%s", out)
	}
	m = press(t, m, "@ofice")
	if out := screen(m); !strings.Contains(out, "@ofice is not in the address book: it names office, vpn") {
		t.Errorf("a typo names what the book holds:\n%s", out)
	}
	for range len("@ofice") {
		m = press(t, m, "backspace")
	}
	m = press(t, m, "@office")
	p := plan(t, m)
	if len(p.Office) != 2 || p.Office[0].String() != "203.0.113.0/24" || p.Office[1].String() != "2001:db8::/48" {
		t.Fatalf("office: %v", p.Office)
	}
	m = press(t, m, "enter", "enter", "enter")
	atStep(t, m, "Review")
	out := screen(m)
	if !strings.Contains(out, "@office 203.0.113.0/24") {
		t.Errorf("the review shows the name:\n%s", out)
	}
	m = press(t, m, "esc", "esc", "esc")
	atStep(t, m, "Sources")
	if out := screen(m); !strings.Contains(out, "Office / my IP: @office") {
		t.Errorf("the field shows the name again:\n%s", out)
	}
}
