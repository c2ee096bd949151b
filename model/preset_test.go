package model

import (
	"net/netip"
	"strings"
	"testing"
)

func TestEveryUseCaseBuildsAValidPlan(t *testing.T) {
	for _, u := range UseCases() {
		for _, e := range u.Egresses {
			t.Run(u.ID+"/"+string(e), func(t *testing.T) {
				p := mustBuild(t, u.ID, Inputs{Office: office, Egress: e, DBTo: dbTo(e)})
				if p.UseCase != u.ID {
					t.Errorf("plan use case = %q", p.UseCase)
				}
				if err := p.Validate(); err != nil {
					t.Fatal(err)
				}
				if e == EgressNone {
					for _, g := range p.Groups {
						if len(g.Egress) != 0 {
							t.Errorf("%s: egress none left %d rules", g.Name, len(g.Egress))
						}
					}
				}
			})
		}
	}
}

func TestWebPresetIsTheMarketplaceCase(t *testing.T) {
	p := webPlan(t)
	if len(p.Groups) != 1 {
		t.Fatalf("web has %d groups", len(p.Groups))
	}
	got := map[string]bool{}
	for _, r := range p.Groups[0].Ingress {
		got[TypeOf(r)+" "+r.Peer.String()] = true
	}
	for _, want := range []string{"HTTP 0.0.0.0/0", "HTTP ::/0", "HTTPS 0.0.0.0/0", "HTTPS ::/0", "SSH 203.0.113.0/24"} {
		if !got[want] {
			t.Errorf("web preset lacks %s; has %v", want, got)
		}
	}
	if len(got) != 5 {
		t.Errorf("web preset has extra rules: %v", got)
	}
	for _, r := range p.Groups[0].Egress {
		if r.Protocol != TCP || (r.Ports != Port(80) && r.Ports != Port(443)) {
			t.Errorf("web egress should be HTTP/HTTPS only, has %s %s", r.Protocol, r.PortText())
		}
	}
}

func TestThreeTierLinksGroupsByReference(t *testing.T) {
	p := mustBuild(t, "three-tier", Inputs{Engine: "postgresql", AppPort: 3000})
	names := []string{"web-alb", "web-app", "web-db"}
	for i, g := range p.Groups {
		if g.Name != names[i] {
			t.Fatalf("group %d is %q, want %q", i, g.Name, names[i])
		}
	}
	app, db := p.Groups[1], p.Groups[2]
	if r := app.Ingress[0]; r.Peer != GroupRef("web-alb") || r.Ports != Port(3000) {
		t.Errorf("app ingress = %v %s, want 3000 from the ALB group", r.Peer, r.PortText())
	}
	if r := db.Ingress[0]; r.Peer != GroupRef("web-app") || r.Ports != Port(5432) {
		t.Errorf("db ingress = %v %s, want 5432 from the app group", r.Peer, r.PortText())
	}
	if r := app.Egress[0]; r.Peer != GroupRef("web-db") || r.Ports != Port(5432) {
		t.Errorf("app egress = %v %s, want 5432 to the db group", r.Peer, r.PortText())
	}
	if len(db.Egress) != 0 {
		t.Errorf("db egress = %v, want none", db.Egress)
	}
}

// TestPresetInputErrorsNameTheField: the domain names its fields; the
// command line and the wizard each say them in their own words.
func TestPresetInputErrorsNameTheField(t *testing.T) {
	tests := []struct {
		use  string
		in   Inputs
		flag string
		want string
	}{
		{"web", Inputs{}, FieldOffice, "curl checkip.amazonaws.com"},
		{"windows", Inputs{}, FieldOffice, "RDP"},
		{"web", Inputs{Office: []netip.Prefix{netip.MustParsePrefix("0.0.0.0/0")}}, FieldOffice, "everyone on the internet, not an office"},
		{"web", Inputs{Office: office, Egress: "group"}, FieldEgress, "use one of default, web, web-mail, web-db, none"},
		{"web", Inputs{Office: office, SSHFrom: "home"}, FieldSSHFrom, "office, world or none"},
		{"alb", Inputs{AppPort: 70000}, FieldAppPort, "1–65535"},
		{"database", Inputs{Engine: "sqlite"}, FieldEngine, "mysql, postgresql"},
		{"database", Inputs{}, FieldAppSources, "who may reach it"},
		{"web", Inputs{Office: office, VPC: "vpc-x"}, FieldVPC, "not a VPC id"},
		{"web", Inputs{Office: office, Name: "sg-web"}, "groups[0].name", "sg-"},
	}
	for _, tt := range tests {
		t.Run(tt.use+tt.flag, func(t *testing.T) {
			u, _ := LookupUseCase(tt.use)
			_, err := u.Build(tt.in)
			if err == nil {
				t.Fatal("want an error")
			}
			if !strings.Contains(err.Error(), tt.flag+": ") || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q should name %s and say %q", err, tt.flag, tt.want)
			}
		})
	}
}

func TestSSHFromNoneNeedsNoOffice(t *testing.T) {
	p := mustBuild(t, "web", Inputs{SSHFrom: SSHNone})
	for _, r := range p.Groups[0].Ingress {
		if r.Ports == Port(22) {
			t.Error("--ssh-from none still opened SSH")
		}
	}
}

func TestDatabaseSources(t *testing.T) {
	src, _, _ := ParsePeer("sg-0123456789abcdef0")
	p := mustBuild(t, "database", Inputs{AppSources: []Peer{src}, Engine: "redis"})
	r := p.Groups[0].Ingress[0]
	if r.Peer != src || r.Ports != Port(6379) || len(p.Groups[0].Ingress) != 1 {
		t.Errorf("database ingress = %+v, want redis from the app group only", p.Groups[0].Ingress)
	}
	p = mustBuild(t, "database", Inputs{Office: []netip.Prefix{netip.MustParsePrefix("10.0.1.0/24")}})
	if r := p.Groups[0].Ingress[0]; r.Peer.String() != "10.0.1.0/24" || r.Ports != Port(3306) {
		t.Errorf("database falls back to the office CIDR for MySQL: got %s %s", r.Peer, r.PortText())
	}
}

func TestCatalogue(t *testing.T) {
	c := Catalogue()
	if len(c) < 90 {
		t.Errorf("catalogue has %d entries, want 90 or more", len(c))
	}
	console := []string{"SSH", "HTTP", "HTTPS", "RDP", "MYSQL/Aurora", "PostgreSQL", "MS SQL", "Oracle-RDS", "Redshift", "SMTP", "SMTPS", "IMAP", "IMAPS", "POP3", "POP3S", "DNS (UDP)", "DNS (TCP)", "NFS", "LDAP", "SMB", "WinRM-HTTP", "WinRM-HTTPS", "Custom TCP", "Custom UDP", "Custom ICMP - IPv4", "All TCP", "All UDP", "All ICMP - IPv4", "All ICMP - IPv6", "All traffic"}
	modules := []string{"activemq", "consul", "docker-swarm", "etcd", "grafana", "kafka", "kibana", "kubernetes-api", "loki", "memcached", "minio", "mongodb", "nomad", "ntp", "openvpn", "ipsec", "prometheus", "rabbitmq", "redis", "solr", "splunk", "squid", "vault", "zabbix", "zookeeper", "elasticsearch", "cassandra", "carbon", "puppet", "saltstack", "storm", "zipkin", "wazuh", "web-jmx", "logstash", "alertmanager"}
	titles := map[string]bool{}
	for _, s := range c {
		titles[s.Title] = true
		if s.About == "" || s.ID == "" || len(s.Ports) == 0 {
			t.Errorf("%q lacks an id, an explanation or ports", s.Title)
		}
		for _, p := range s.Ports {
			if msg := p.Ports.valid(p.Protocol); msg != "" {
				t.Errorf("%s: %s", s.ID, msg)
			}
		}
	}
	for _, title := range console {
		if !titles[title] {
			t.Errorf("the console's rule type %q is missing", title)
		}
	}
	for _, id := range modules {
		if _, ok := LookupService(id); !ok {
			t.Errorf("terraform-aws-modules service %q is missing", id)
		}
	}
	if s, _ := LookupService("consul"); len(s.Ports) < 5 {
		t.Errorf("consul should list its several ports, has %d", len(s.Ports))
	}
}

func TestTypeOfNamesRulesLikeTheConsole(t *testing.T) {
	tests := map[string]Rule{
		"SSH": {Protocol: TCP, Ports: Port(22)},
		// The console has no type for 8080 or 3000: a catalogue entry
		// that uses the port (Grafana) is no reason to call it one.
		"Custom TCP ":        {Protocol: TCP, Ports: Port(3000)},
		"Custom TCP":         {Protocol: TCP, Ports: Ports(8000, 9000)},
		"All TCP":            {Protocol: TCP, Ports: AllPorts},
		"All traffic":        {Protocol: AllProtocols, Ports: NoPorts},
		"All ICMP - IPv6":    {Protocol: ICMPv6, Ports: NoPorts},
		"Echo Request":       {Protocol: ICMP, Ports: ICMPType(8, -1)},
		"Custom ICMP - IPv4": {Protocol: ICMP, Ports: ICMPType(11, 0)},
		"DNS (UDP)":          {Protocol: UDP, Ports: Port(53)},
		"Custom protocol":    {Protocol: Protocol{47 + 2}, Ports: NoPorts},
	}
	for want, r := range tests {
		want = strings.TrimSpace(want)
		if got := TypeOf(r); got != want {
			t.Errorf("TypeOf(%s %s) = %q, want %q", r.Protocol, r.PortText(), got, want)
		}
	}
}

// dbTo is where the web-db policy's tests send the database port: an RDS
// group; nothing for the other policies.
func dbTo(e EgressPolicy) []Peer {
	if e == EgressWebDB {
		return []Peer{GroupID("sg-0123456789abcdef0")}
	}
	return nil
}
