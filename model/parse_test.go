package model

import (
	"strings"
	"testing"
)

func TestParseCIDR(t *testing.T) {
	tests := []struct {
		in, want, note, err string
	}{
		{in: "203.0.113.10", want: "203.0.113.10/32"},
		{in: " 203.0.113.0/24 ", want: "203.0.113.0/24"},
		{in: "2001:db8::1", want: "2001:db8::1/128"},
		{in: "2001:db8::/32", want: "2001:db8::/32"},
		{in: "0.0.0.0/0", want: "0.0.0.0/0"},
		{in: "::/0", want: "::/0"},
		{in: "10.0.0.5/24", want: "10.0.0.0/24", note: "10.0.0.5/24 has host bits set; using 10.0.0.0/24"},
		{in: "2001:db8::1/64", want: "2001:db8::/64", note: "host bits set"},
		{in: "10.0.0.0/33", err: "prefix length /33 is not valid for IPv4: use 0–32"},
		{in: "2001:db8::/129", err: "not valid for IPv6: use 0–128"},
		{in: "10.0.0.300", err: "is not an IP address or CIDR"},
		{in: "10.0.0.0/x", err: "prefix length /x is not valid"},
		{in: "10.0.0/8", err: "is not a CIDR"},
		{in: "", err: "empty address"},
		{in: "fe80::1%eth0", err: "has a zone"},
		{in: "::ffff:10.0.0.0/104", err: "IPv4-mapped"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			p, note, err := ParseCIDR(tt.in)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("ParseCIDR(%q) error = %v, want it to say %q", tt.in, err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseCIDR(%q): %v", tt.in, err)
			}
			if p.String() != tt.want {
				t.Errorf("ParseCIDR(%q) = %s, want %s", tt.in, p, tt.want)
			}
			if (tt.note == "") != (note == "") || !strings.Contains(note, tt.note) {
				t.Errorf("ParseCIDR(%q) note = %q, want %q", tt.in, note, tt.note)
			}
		})
	}
}

func TestParsePeer(t *testing.T) {
	tests := []struct {
		in   string
		kind PeerKind
		want string
		err  string
	}{
		{in: "203.0.113.7", kind: PeerIPv4, want: "203.0.113.7/32"},
		{in: "::/0", kind: PeerIPv6, want: "::/0"},
		{in: "sg-0123456789abcdef0", kind: PeerGroupID, want: "sg-0123456789abcdef0"},
		{in: "sg-12345678", kind: PeerGroupID, want: "sg-12345678"},
		{in: "pl-63a5400a", kind: PeerPrefixList, want: "pl-63a5400a"},
		{in: "group:app", kind: PeerGroup, want: "group:app"},
		{in: "sg-XYZ", err: "not a security group id"},
		{in: "sg-0123456789ABCDEF0", err: "lowercase hex"},
		{in: "pl-1", err: "not a prefix list id"},
		{in: "group:", err: "names no group"},
		{in: "office", err: "not a CIDR, sg-… id, pl-… id or group:NAME"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			p, _, err := ParsePeer(tt.in)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("ParsePeer(%q) error = %v, want %q", tt.in, err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if p.Kind() != tt.kind || p.String() != tt.want {
				t.Errorf("ParsePeer(%q) = %v %s, want %v %s", tt.in, p.Kind(), p, tt.kind, tt.want)
			}
		})
	}
}

func TestPeerAddresses(t *testing.T) {
	for in, want := range map[string]string{
		"203.0.113.7/32": "1", "203.0.113.0/24": "256", "10.0.0.0/8": "16,777,216",
		"0.0.0.0/0": "4,294,967,296", "2001:db8::/64": "2^64", "::/0": "2^128",
	} {
		p, _, err := ParsePeer(in)
		if err != nil {
			t.Fatal(err)
		}
		if got := p.Addresses(); got != want {
			t.Errorf("%s holds %s addresses, want %s", in, got, want)
		}
	}
}

func TestParsePortRange(t *testing.T) {
	tests := []struct {
		proto, in string
		from, to  int
		err       string
	}{
		{proto: "tcp", in: "22", from: 22, to: 22},
		{proto: "tcp", in: "8000-9000", from: 8000, to: 9000},
		{proto: "udp", in: "all", from: 0, to: 65535},
		{proto: "tcp", in: "0", from: 0, to: 0},
		{proto: "tcp", in: "65535", from: 65535, to: 65535},
		{proto: "tcp", in: "9000-8000", err: "reversed: write 8000-9000"},
		{proto: "tcp", in: "70000", err: "outside 0–65535"},
		{proto: "tcp", in: "-1", err: "-1 is not a port: write 0-65535 (or all) for every tcp port, or protocol: all"},
		{proto: "tcp", in: "http", err: "not a number"},
		{proto: "tcp", in: "", err: "needs a port"},
		{proto: "icmp", in: "8", from: 8, to: -1},
		{proto: "icmp", in: "3/4", from: 3, to: 4},
		{proto: "icmp", in: "all", from: -1, to: -1},
		{proto: "icmp", in: "", from: -1, to: -1},
		{proto: "icmpv6", in: "128/0", from: 128, to: 0},
		{proto: "icmp", in: "256", err: "must be 0–255"},
		{proto: "icmp", in: "all/3", err: "needs a type"},
		{proto: "all", in: "", from: -1, to: -1},
		{proto: "all", in: "22", err: "has no ports"},
		{proto: "50", in: "", from: -1, to: -1},
	}
	for _, tt := range tests {
		t.Run(tt.proto+":"+tt.in, func(t *testing.T) {
			p, err := ParseProtocol(tt.proto)
			if err != nil {
				t.Fatal(err)
			}
			r, err := ParsePortRange(p, tt.in)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("ParsePortRange(%s, %q) error = %v, want %q", tt.proto, tt.in, err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if r.From() != tt.from || r.To() != tt.to {
				t.Errorf("ParsePortRange(%s, %q) = %d-%d, want %d-%d", tt.proto, tt.in, r.From(), r.To(), tt.from, tt.to)
			}
			back, err := ParsePortRange(p, r.Format(p))
			if err != nil || back != r {
				t.Errorf("Format %q does not parse back to the same range: %v %v", r.Format(p), back, err)
			}
		})
	}
}

func TestParseProtocol(t *testing.T) {
	for in, want := range map[string]Protocol{"tcp": TCP, "TCP": TCP, "6": TCP, "udp": UDP, "icmp": ICMP, "icmpv6": ICMPv6, "58": ICMPv6, "all": AllProtocols, "-1": AllProtocols} {
		got, err := ParseProtocol(in)
		if err != nil || got != want {
			t.Errorf("ParseProtocol(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"foo", "256", "-2", ""} {
		if _, err := ParseProtocol(in); err == nil || !strings.Contains(err.Error(), "protocol") {
			t.Errorf("ParseProtocol(%q) = %v, want an error naming the protocol", in, err)
		}
	}
	if AllProtocols.API() != "-1" || TCP.API() != "tcp" {
		t.Errorf("API spelling: all = %s, tcp = %s", AllProtocols.API(), TCP.API())
	}
}

func TestRulesAreComparableValues(t *testing.T) {
	a, err := NewRule("tcp", "22", "203.0.113.5/24", "SSH")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := NewRule("6", "22", "203.0.113.0/24", "other words")
	if a.Key() != b.Key() {
		t.Errorf("rules differing only in description and host bits should share a key: %v vs %v", a.Key(), b.Key())
	}
	set := map[RuleKey]bool{a.Key(): true}
	if !set[b.Key()] {
		t.Error("a rule key should find its twin in a map")
	}
}

// TestRuleTextSaysEveryRuleApart: change lists, lint and audit say each
// rule as one line that tells it from the others: the protocol number of
// a custom protocol, a custom port without its protocol twice.
func TestRuleTextSaysEveryRuleApart(t *testing.T) {
	for _, tt := range []struct {
		proto, ports, peer string
		d                  Direction
		want               string
	}{
		{"50", "", "10.0.0.0/8", Ingress, "ESP (protocol 50) from 10.0.0.0/8"},
		{"47", "", "10.0.0.0/8", Ingress, "GRE (protocol 47) from 10.0.0.0/8"},
		{"132", "", "::/0", Egress, "SCTP (protocol 132) to ::/0"},
		{"99", "", "::/0", Egress, "protocol 99 to ::/0"},
		{"tcp", "9000", "10.0.0.0/8", Ingress, "Custom TCP 9000 from 10.0.0.0/8"},
		{"tcp", "22", "10.0.0.0/8", Ingress, "SSH TCP 22 from 10.0.0.0/8"},
		{"all", "", "0.0.0.0/0", Egress, "All traffic to 0.0.0.0/0"},
	} {
		r, err := NewRule(tt.proto, tt.ports, tt.peer, "d")
		if err != nil {
			t.Fatal(err)
		}
		if got := r.Text(tt.d); got != tt.want {
			t.Errorf("Text = %q, want %q", got, tt.want)
		}
	}
}
