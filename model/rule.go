package model

import (
	"fmt"
	"strings"
)

// Direction is inbound (ingress) or outbound (egress).
type Direction uint8

// The two directions of a security group.
const (
	Ingress Direction = iota
	Egress
)

// String is "ingress" or "egress", the plan file's keys.
func (d Direction) String() string {
	if d == Egress {
		return "egress"
	}
	return "ingress"
}

// Title is the console's word: "Inbound" or "Outbound".
func (d Direction) Title() string {
	if d == Egress {
		return "Outbound"
	}
	return "Inbound"
}

// PeerField is the plan-file key for the peer: "from" inbound, "to" outbound.
func (d Direction) PeerField() string {
	if d == Egress {
		return "to"
	}
	return "from"
}

// PeerFieldSuffix is PeerField as a field-path suffix: ".from" or ".to".
func (d Direction) PeerFieldSuffix() string {
	if d == Egress {
		return ".to"
	}
	return ".from"
}

// Rule is one allow rule: traffic of a protocol and port range from (inbound)
// or to (outbound) a peer. Rules are comparable values.
type Rule struct {
	Protocol    Protocol
	Ports       PortRange
	Peer        Peer
	Description string
	// Tags are the rule's own tags (AWSTags adds a temporary rule's
	// expiry).
	Tags Tags
	// ID is the rule's id in AWS (sgr-…) when it exists, as import reads
	// it; exports that adopt existing rules (Terraform's import blocks)
	// use it.
	ID string
}

// RuleKey is what makes two rules the same rule for EC2: the description,
// tags and id do not count.
type RuleKey struct {
	Protocol Protocol
	Ports    PortRange
	Peer     Peer
}

// Key returns the rule's identity for duplicates and differences.
func (r Rule) Key() RuleKey { return RuleKey{r.Protocol, r.Ports, r.Peer} }

// NewRule builds a rule from plan-file strings, for callers at the edge.
func NewRule(protocol, ports, peer, description string) (Rule, error) {
	p, err := ParseProtocol(protocol)
	if err != nil {
		return Rule{}, err
	}
	r, err := ParsePortRange(p, ports)
	if err != nil {
		return Rule{}, err
	}
	q, _, err := ParsePeer(peer)
	if err != nil {
		return Rule{}, err
	}
	return Rule{Protocol: p, Ports: r, Peer: q, Description: description}, nil
}

// AllPorts reports whether the rule opens every port of a protocol, or
// all traffic.
func (r Rule) AllPorts() bool {
	if r.Protocol == AllProtocols {
		return true
	}
	return r.Protocol.HasPorts() && r.Ports == AllPorts
}

// CoversPort reports whether the rule allows TCP or UDP traffic to port p of
// protocol proto.
func (r Rule) CoversPort(proto Protocol, p int) bool {
	if r.Protocol == AllProtocols {
		return true
	}
	return r.Protocol == proto && r.Protocol.HasPorts() && r.Ports.ContainsPort(p)
}

// Covers reports whether r allows everything o allows (same peer).
func (r Rule) Covers(o Rule) bool {
	if r.Peer != o.Peer {
		return false
	}
	if r.Protocol == AllProtocols {
		return true
	}
	if r.Protocol != o.Protocol {
		return false
	}
	switch {
	case r.Protocol.HasPorts():
		return r.Ports.Contains(o.Ports)
	case r.Protocol.IsICMP():
		return r.Ports.From() == -1 || (r.Ports.From() == o.Ports.From() && (r.Ports.To() == -1 || r.Ports == o.Ports))
	}
	return true
}

// PortText is the console's "Port range" column: "22", "8000 - 9000",
// "All", or an ICMP type/code.
func (r Rule) PortText() string {
	switch {
	case r.Protocol.HasPorts():
		if r.Ports.From() == r.Ports.To() {
			return fmt.Sprint(r.Ports.From())
		}
		if r.Ports == AllPorts {
			return "0 - 65535"
		}
		return fmt.Sprintf("%d - %d", r.Ports.From(), r.Ports.To())
	case r.Protocol.IsICMP():
		if r.Ports.From() == -1 {
			return "All"
		}
		if r.Ports.To() == -1 {
			return fmt.Sprintf("type %d", r.Ports.From())
		}
		return fmt.Sprintf("type %d code %d", r.Ports.From(), r.Ports.To())
	}
	return "All"
}

// Permission is EC2's unit of rules: one protocol and port range, with
// every rule (peer) of that range, in order.
type Permission struct {
	Protocol Protocol
	Ports    PortRange
	Rules    []Rule
}

// Permissions groups rules as EC2 does (IpPermissions): one Permission per
// protocol and port range, in the order the ranges first appear.
func Permissions(rules []Rule) []Permission {
	perms := []Permission{}
	index := map[PortSpec]int{}
	for _, r := range rules {
		k := PortSpec{r.Protocol, r.Ports}
		i, ok := index[k]
		if !ok {
			i = len(perms)
			index[k] = i
			perms = append(perms, Permission{Protocol: r.Protocol, Ports: r.Ports})
		}
		perms[i].Rules = append(perms[i].Rules, r)
	}
	return perms
}

// Text is the rule in one line, as change lists, questions and messages
// say it: "SSH TCP 22 from 203.0.113.10/32", "Custom TCP 8080 to group
// db", "All traffic to 0.0.0.0/0", "GRE (protocol 47) from 10.0.0.0/8".
func (r Rule) Text(d Direction) string {
	word := "from"
	if d == Egress {
		word = "to"
	}
	peer := r.Peer.Title()
	if r.Protocol == AllProtocols {
		return fmt.Sprintf("All traffic %s %s", word, peer)
	}
	if !r.Protocol.HasPorts() && !r.Protocol.IsICMP() {
		// "ESP (protocol 50) from …": the number, which the type hides
		return fmt.Sprintf("%s %s %s", r.Protocol.Name(), word, peer)
	}
	typ := TypeOf(r)
	if strings.HasPrefix(typ, "Custom ") || strings.HasPrefix(typ, "All ") {
		// "Custom TCP 8080", not "Custom TCP TCP 8080"
		return fmt.Sprintf("%s %s %s %s", typ, r.PortText(), word, peer)
	}
	return fmt.Sprintf("%s %s %s %s %s", typ, r.Protocol.Title(), r.PortText(), word, peer)
}
