package model

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Link ties a selection's service to an answer of the draft, so that the
// linked tiers always match: change the answer and every linked selection
// follows.
type Link uint8

// The answers a selection can follow.
const (
	LinkNone    Link = iota
	LinkAppPort      // the app port behind the load balancer (Draft.AppPort)
	LinkEngine       // the database engine's service (Draft.Engine)
)

// Selection is a service chosen for a group and where it is open from (or
// to). Rules are derived from it, so the wizard and the flags that make
// the same choices make the same rules.
type Selection struct {
	Service Service
	// Link, when set, makes Service follow the draft's app port or engine.
	Link    Link
	Sources []Source
	// Description replaces the generated "<service> from <source>" text.
	Description string
	// Until, when set, makes the selection's rules temporary: they carry
	// the time in their description (Temporary), apply tags them with it,
	// and sgwiz sweep revokes them then.
	Until time.Time
	// fixed keeps Description exactly, even empty: a rule from a plan file.
	fixed bool
}

// Key identifies the selection's service in a group: the catalogue id, or
// for a custom entry its protocol and ports.
func (s Selection) Key() string {
	if s.Service.Kind != KindCustom || s.Service.ID != customID {
		return s.Service.ID
	}
	var parts []string
	for _, p := range s.Service.Ports {
		parts = append(parts, p.Protocol.String()+":"+p.Ports.Format(p.Protocol))
	}
	return "custom:" + strings.Join(parts, ",")
}

// Has reports whether the selection includes source src.
func (s Selection) Has(src Source) bool {
	return slices.Contains(s.Sources, src)
}

// customID is the id of every CustomService.
const customID = "custom"

// CustomService is a catalogue-like entry for ports the user typed.
// Its title is the console's custom type ("Custom TCP"), whatever service
// the catalogue knows on those ports: the user typed them.
func CustomService(proto Protocol, ports PortRange) Service {
	title := customType(Rule{Protocol: proto, Ports: ports})
	return Service{ID: customID, Title: title, Kind: KindCustom, Ports: []PortSpec{{proto, ports}},
		About: fmt.Sprintf("%s %s", proto.Title(), Rule{Protocol: proto, Ports: ports}.PortText())}
}

// title names the selection's service in descriptions: the catalogue
// title, or for ports the user typed the ports ("TCP 3000").
func (s Selection) title() string {
	if s.Service.ID == customID {
		return s.Service.About
	}
	return s.Service.Title
}

func cloneSelections(sels []Selection) []Selection {
	out := make([]Selection, len(sels))
	for i, s := range sels {
		s.Sources = append([]Source(nil), s.Sources...)
		out[i] = s
	}
	return out
}
