package model

import (
	"fmt"
	"strconv"
	"strings"
)

// Protocol is an IP protocol as EC2 understands it: tcp, udp, icmp, icmpv6,
// any other IANA protocol number, or all traffic. The zero value is invalid.
type Protocol struct {
	n int16 // IANA number + 2; 0 is invalid, 1 is all traffic
}

// The protocols sgwiz names; any other IANA number is valid too.
var (
	AllProtocols = Protocol{1}
	ICMP         = Protocol{1 + 2}
	TCP          = Protocol{6 + 2}
	UDP          = Protocol{17 + 2}
	ICMPv6       = Protocol{58 + 2}
)

var protocolNames = map[string]Protocol{
	"all": AllProtocols, "-1": AllProtocols,
	"tcp": TCP, "udp": UDP, "icmp": ICMP, "icmpv6": ICMPv6,
}

// ProtocolNumber returns the protocol with IANA number n (0–255).
func ProtocolNumber(n int) (Protocol, error) {
	if n < 0 || n > 255 {
		return Protocol{}, fmt.Errorf("protocol number %d is outside 0–255", n)
	}
	return Protocol{int16(n + 2)}, nil
}

// ParseProtocol reads tcp, udp, icmp, icmpv6, all (or -1) or an IANA number.
func ParseProtocol(s string) (Protocol, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	if p, ok := protocolNames[t]; ok {
		return p, nil
	}
	if n, err := strconv.Atoi(t); err == nil {
		return ProtocolNumber(n)
	}
	return Protocol{}, fmt.Errorf("unknown protocol %q: use tcp, udp, icmp, icmpv6, all or a protocol number 0–255", s)
}

// IsValid reports whether p is a protocol (the zero Protocol is not).
func (p Protocol) IsValid() bool { return p.n != 0 }

// Number is the IANA protocol number, or -1 for all traffic.
func (p Protocol) Number() int { return int(p.n) - 2 }

// HasPorts reports whether rules of this protocol carry a port range.
func (p Protocol) HasPorts() bool { return p == TCP || p == UDP }

// IsICMP reports whether rules of this protocol carry an ICMP type and code.
func (p Protocol) IsICMP() bool { return p == ICMP || p == ICMPv6 }

// String is the plan-file spelling: tcp, udp, icmp, icmpv6, all or a number.
func (p Protocol) String() string {
	switch p {
	case Protocol{}:
		return "invalid"
	case AllProtocols:
		return "all"
	case TCP:
		return "tcp"
	case UDP:
		return "udp"
	case ICMP:
		return "icmp"
	case ICMPv6:
		return "icmpv6"
	}
	return strconv.Itoa(p.Number())
}

// API is the IpProtocol value EC2 expects and returns ("-1" for all).
func (p Protocol) API() string {
	if p == AllProtocols {
		return "-1"
	}
	return p.String()
}

// Title is the console's name for the protocol column.
func (p Protocol) Title() string {
	switch p {
	case AllProtocols:
		return "All"
	case ICMPv6:
		return "ICMPv6"
	case TCP, UDP, ICMP:
		return strings.ToUpper(p.String())
	}
	return p.String()
}

// Name is the protocol as people say it: "TCP", "all traffic", "ESP
// (protocol 50)", "protocol 132".
func (p Protocol) Name() string {
	if p == AllProtocols {
		return "all traffic"
	}
	if p.HasPorts() || p.IsICMP() {
		return p.Title()
	}
	if n, ok := protocolAbbrev[p.Number()]; ok {
		return fmt.Sprintf("%s (protocol %d)", n, p.Number())
	}
	return fmt.Sprintf("protocol %d", p.Number())
}

// protocolAbbrev names the IANA protocols a security group rule commonly
// carries besides TCP, UDP and ICMP.
var protocolAbbrev = map[int]string{4: "IP-in-IP", 41: "IPv6-in-IPv4", 47: "GRE", 50: "ESP", 51: "AH", 89: "OSPF", 112: "VRRP", 132: "SCTP"}

// MarshalText implements encoding.TextMarshaler.
func (p Protocol) MarshalText() ([]byte, error) { return []byte(p.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (p *Protocol) UnmarshalText(b []byte) error {
	q, err := ParseProtocol(string(b))
	if err != nil {
		return err
	}
	*p = q
	return nil
}
