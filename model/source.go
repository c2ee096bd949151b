package model

// SourceKind says where a selected service is open from (inbound) or to
// (outbound).
type SourceKind uint8

// The choices the wizard's sources step offers.
const (
	SourceAnyIPv4 SourceKind = iota // 0.0.0.0/0
	SourceAnyIPv6                   // ::/0
	SourceOffice                    // every office / my-IP CIDR of the draft
	SourcePeer                      // one CIDR, sg-…, pl-… or group of the plan
)

// Source is one source (or destination) of a selection.
type Source struct {
	Kind SourceKind
	// Peer is set for SourcePeer.
	Peer Peer
}

// The sources the presets use.
var (
	Anywhere4 = Source{Kind: SourceAnyIPv4}
	Anywhere6 = Source{Kind: SourceAnyIPv6}
	Office    = Source{Kind: SourceOffice}
)

// FromPeer is the source for one peer; the world is one of the Anywhere
// sources, as the console offers it.
func FromPeer(p Peer) Source {
	switch p {
	case AnyIPv4:
		return Anywhere4
	case AnyIPv6:
		return Anywhere6
	}
	return Source{Kind: SourcePeer, Peer: p}
}

// FromGroup is the source for another group of the plan.
func FromGroup(name string) Source { return FromPeer(GroupRef(name)) }

// String names the source as the wizard shows it.
func (s Source) String() string {
	switch s.Kind {
	case SourceAnyIPv4:
		return "anywhere (IPv4)"
	case SourceAnyIPv6:
		return "anywhere (IPv6)"
	case SourceOffice:
		return "the office"
	}
	return s.Peer.Title()
}
