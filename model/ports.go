package model

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// PortRange is what EC2 calls FromPort/ToPort: a port range for tcp and udp,
// an ICMP type and code for icmp and icmpv6 (-1 meaning all), and -1/-1 for
// protocols without ports. Its meaning depends on the rule's protocol.
type PortRange struct {
	from, to int32
}

// NoPorts is the range of a protocol without ports, and "all types" for ICMP.
var NoPorts = PortRange{-1, -1}

// AllPorts is 0–65535.
var AllPorts = PortRange{0, 65535}

// Ports returns the port range from–to (TCP or UDP).
func Ports(from, to int) PortRange { return PortRange{int32(from), int32(to)} }

// Port returns the single port p.
func Port(p int) PortRange { return Ports(p, p) }

// ICMPType returns an ICMP type and code; -1 means all.
func ICMPType(typ, code int) PortRange { return PortRange{int32(typ), int32(code)} }

// From is EC2's FromPort (or ICMP type).
func (r PortRange) From() int { return int(r.from) }

// To is EC2's ToPort (or ICMP code).
func (r PortRange) To() int { return int(r.to) }

// Count is the number of ports in a TCP/UDP range.
func (r PortRange) Count() int { return int(r.to-r.from) + 1 }

// Contains reports whether the TCP/UDP range holds every port of o.
func (r PortRange) Contains(o PortRange) bool { return r.from <= o.from && o.to <= r.to }

// ContainsPort reports whether the TCP/UDP range holds port p.
func (r PortRange) ContainsPort(p int) bool { return int(r.from) <= p && p <= int(r.to) }

// ParsePortRange reads the plan-file form of a range for protocol p: "22" or
// "8000-9000" for tcp/udp, "8" or "3/4" (type/code) for ICMP, "all" for all
// ports, types or protocols. An empty string means all for ICMP and for
// protocols without ports.
func ParsePortRange(p Protocol, s string) (PortRange, error) {
	s = strings.TrimSpace(s)
	all := s == "" || strings.EqualFold(s, "all")
	switch {
	case p.HasPorts():
		if all {
			if s == "" {
				return PortRange{}, fmt.Errorf("%s needs a port such as 22 or a range such as 8000-9000 (or all)", p)
			}
			return AllPorts, nil
		}
		if s == "-1" {
			return PortRange{}, fmt.Errorf("-1 is not a port: write 0-65535 (or all) for every %s port, or protocol: all for all traffic", p)
		}
		from, to, isRange := strings.Cut(s, "-")
		a, err := parsePort(from)
		if err != nil {
			return PortRange{}, err
		}
		b := a
		if isRange {
			if b, err = parsePort(to); err != nil {
				return PortRange{}, err
			}
		}
		if a > b {
			return PortRange{}, fmt.Errorf("port range %q is reversed: write %d-%d", s, b, a)
		}
		return Ports(a, b), nil
	case p.IsICMP():
		if all {
			return NoPorts, nil
		}
		ts, cs, hasCode := strings.Cut(s, "/")
		typ, err := parseICMP("type", ts)
		if err != nil {
			return PortRange{}, err
		}
		code := -1
		if hasCode {
			if code, err = parseICMP("code", cs); err != nil {
				return PortRange{}, err
			}
		}
		if typ == -1 && code != -1 {
			return PortRange{}, fmt.Errorf("ICMP code %d needs a type: write TYPE/%d", code, code)
		}
		return ICMPType(typ, code), nil
	case p.IsValid():
		if !all {
			return PortRange{}, fmt.Errorf("protocol %s has no ports: leave ports empty", p)
		}
		return NoPorts, nil
	}
	return PortRange{}, fmt.Errorf("invalid protocol")
}

// ParsePort reads one TCP or UDP port as people type it, 1–65535 (port
// 0 means nothing to a service): an app port, allow's PORT.
func ParsePort(s string) (int, error) {
	n, err := parsePort(s)
	if err == nil && n == 0 {
		err = errors.New("port 0 is not a service's port: use 1–65535")
	}
	return n, err
}

// ParsePortList reads ports and ranges separated by commas or spaces,
// "80,443 1020-1025", each as ParsePortRange reads a TCP range.
func ParsePortList(s string) ([]PortRange, error) {
	var out []PortRange
	for _, part := range SplitList(s) {
		r, err := ParsePortRange(TCP, part)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	if len(out) == 0 {
		return nil, errors.New("give at least one port, such as 80,443")
	}
	return out, nil
}

func parsePort(s string) (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil {
		return 0, fmt.Errorf("port %q is not a number: write 22 or 8000-9000", s)
	}
	if n < 0 || n > 65535 {
		return 0, fmt.Errorf("port %d is outside 0–65535", n)
	}
	return n, nil
}

func parseICMP(what, s string) (int, error) {
	s = strings.TrimSpace(s)
	if strings.EqualFold(s, "all") || s == "-1" {
		return -1, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 || n > 255 {
		return 0, fmt.Errorf("ICMP %s %q must be 0–255 or all", what, s)
	}
	return n, nil
}

// Format is the plan-file form of r for protocol p (see ParsePortRange).
func (r PortRange) Format(p Protocol) string {
	switch {
	case p.HasPorts():
		if r == AllPorts {
			return "all"
		}
		if r.from == r.to {
			return strconv.Itoa(int(r.from))
		}
		return fmt.Sprintf("%d-%d", r.from, r.to)
	case p.IsICMP():
		if r.from == -1 {
			return "all"
		}
		if r.to == -1 {
			return strconv.Itoa(int(r.from))
		}
		return fmt.Sprintf("%d/%d", r.from, r.to)
	}
	return ""
}

// valid reports why r is not a range protocol p accepts, or "" when it is.
func (r PortRange) valid(p Protocol) string {
	switch {
	case p.HasPorts():
		if r.from < 0 || r.to > 65535 || r.from > r.to {
			return fmt.Sprintf("port range %d-%d must lie within 0–65535 with from ≤ to", r.from, r.to)
		}
	case p.IsICMP():
		if r.from < -1 || r.from > 255 || r.to < -1 || r.to > 255 || (r.from == -1 && r.to != -1) {
			return fmt.Sprintf("ICMP type/code %d/%d must be 0–255 or -1 (all), with a type whenever a code is set", r.from, r.to)
		}
	default:
		if r != NoPorts {
			return fmt.Sprintf("protocol %s takes no ports", p)
		}
	}
	return ""
}
