package model

import (
	"fmt"
	"strings"
)

// ServiceKind groups services by who should reach them, which decides the
// least-privilege default source in the wizard and the findings.
type ServiceKind uint8

// Kinds of service.
const (
	KindApp      ServiceKind = iota // reached from other groups or private ranges
	KindWeb                         // public by nature: HTTP, HTTPS, mail, VPN
	KindAdmin                       // remote administration: SSH, RDP, WinRM
	KindDatabase                    // databases and caches
	KindCustom                      // the user gives protocol and ports
	KindAll                         // all ports of a protocol, or all traffic
)

// PortSpec is one protocol and port range a service uses.
type PortSpec struct {
	Protocol Protocol
	Ports    PortRange
}

// Service is one entry of the catalogue: a named port (or set of ports).
type Service struct {
	ID    string
	Title string
	Kind  ServiceKind
	// Console is true for the predefined rule types of the EC2 console.
	Console bool
	Ports   []PortSpec
	// About explains the service in one line for newcomers.
	About string
}

// Rules returns one rule per port of the service for peer p.
func (s Service) Rules(p Peer, description string) []Rule {
	rules := make([]Rule, len(s.Ports))
	for i, ps := range s.Ports {
		rules[i] = Rule{Protocol: ps.Protocol, Ports: ps.Ports, Peer: p, Description: description}
	}
	return rules
}

// PortsText lists the service's ports as people read them: "TCP 22",
// "TCP 8300, UDP 8301, …"; a custom entry's are yours to choose.
func (s Service) PortsText() string {
	parts := make([]string, len(s.Ports))
	for i, p := range s.Ports {
		parts[i] = p.Protocol.Title() + " " + Rule{Protocol: p.Protocol, Ports: p.Ports}.PortText()
	}
	return strings.Join(parts, ", ")
}

// FilterValue is the text the wizard filters on.
func (s Service) FilterValue() string {
	ports := make([]string, len(s.Ports))
	for i, p := range s.Ports {
		ports[i] = p.Ports.Format(p.Protocol)
	}
	return s.ID + " " + s.Title + " " + strings.Join(ports, " ") + " " + s.About
}

func spec(s string) PortSpec {
	proto, ports, _ := strings.Cut(s, ":")
	p, err := ParseProtocol(proto)
	if err != nil {
		panic(err)
	}
	r, err := ParsePortRange(p, ports)
	if err != nil {
		panic(fmt.Sprintf("catalogue %q: %v", s, err))
	}
	return PortSpec{p, r}
}

func svc(id, title string, kind ServiceKind, console bool, about string, specs ...string) Service {
	s := Service{ID: id, Title: title, Kind: kind, Console: console, About: about}
	for _, x := range specs {
		s.Ports = append(s.Ports, spec(x))
	}
	return s
}

const (
	con = true  // a predefined type of the EC2 console
	app = false // from the terraform-aws-modules security-group rule list
)

// catalogue lists the EC2 console's rule types first, then the services of
// the terraform-aws-modules security-group module, then common applications.
var catalogue = []Service{
	svc("custom-tcp", "Custom TCP", KindCustom, con, "Any TCP port or range you choose", "tcp:0"),
	svc("custom-udp", "Custom UDP", KindCustom, con, "Any UDP port or range you choose", "udp:0"),
	svc("custom-icmp", "Custom ICMP - IPv4", KindCustom, con, "An ICMP type and code you choose", "icmp:all"),
	svc("custom-icmpv6", "Custom ICMP - IPv6", KindCustom, con, "An ICMPv6 type and code you choose", "icmpv6:all"),
	svc("custom-protocol", "Custom protocol", KindCustom, con, "Any IP protocol by number, such as 50 (ESP) or 47 (GRE)", "50"),
	svc("all-tcp", "All TCP", KindAll, con, "Every TCP port, 0-65535: rarely what you want", "tcp:all"),
	svc("all-udp", "All UDP", KindAll, con, "Every UDP port, 0-65535: rarely what you want", "udp:all"),
	svc("all-icmp", "All ICMP - IPv4", KindAll, con, "Every ICMP message: ping, unreachable, time exceeded", "icmp:all"),
	svc("all-icmpv6", "All ICMP - IPv6", KindAll, con, "Every ICMPv6 message; IPv6 needs some of them to work", "icmpv6:all"),
	svc("all-traffic", "All traffic", KindAll, con, "Every protocol and port: only for trusted groups", "all"),
	svc("ssh", "SSH", KindAdmin, con, "Secure Shell: log in to a Linux instance, also SFTP and scp", "tcp:22"),
	svc("smtp", "SMTP", KindWeb, con, "Mail delivery between mail servers", "tcp:25"),
	svc("dns-udp", "DNS (UDP)", KindApp, con, "Name lookups, for a DNS server you run", "udp:53"),
	svc("dns-tcp", "DNS (TCP)", KindApp, con, "Name lookups over TCP: large answers and zone transfers", "tcp:53"),
	svc("http", "HTTP", KindWeb, con, "Unencrypted websites and redirects to HTTPS", "tcp:80"),
	svc("pop3", "POP3", KindWeb, con, "Mail download, unencrypted: prefer POP3S", "tcp:110"),
	svc("imap", "IMAP", KindWeb, con, "Mailbox access, unencrypted: prefer IMAPS", "tcp:143"),
	svc("ldap", "LDAP", KindApp, con, "Directory lookups (Active Directory, OpenLDAP)", "tcp:389"),
	svc("https", "HTTPS", KindWeb, con, "Encrypted websites and APIs", "tcp:443"),
	svc("smb", "SMB", KindApp, con, "Windows file sharing: never expose it to the internet", "tcp:445"),
	svc("smtps", "SMTPS", KindWeb, con, "Mail submission over TLS", "tcp:465"),
	svc("imaps", "IMAPS", KindWeb, con, "Mailbox access over TLS", "tcp:993"),
	svc("pop3s", "POP3S", KindWeb, con, "Mail download over TLS", "tcp:995"),
	svc("mssql", "MS SQL", KindDatabase, con, "Microsoft SQL Server", "tcp:1433"),
	svc("nfs", "NFS", KindApp, con, "Network file system, also Amazon EFS mounts", "tcp:2049"),
	svc("mysql", "MYSQL/Aurora", KindDatabase, con, "MySQL, MariaDB and Aurora MySQL", "tcp:3306"),
	svc("rdp", "RDP", KindAdmin, con, "Remote Desktop: log in to a Windows instance", "tcp:3389"),
	svc("redshift", "Redshift", KindDatabase, con, "Amazon Redshift data warehouse", "tcp:5439"),
	svc("postgresql", "PostgreSQL", KindDatabase, con, "PostgreSQL and Aurora PostgreSQL", "tcp:5432"),
	svc("oracle", "Oracle-RDS", KindDatabase, con, "Oracle database listener", "tcp:1521"),
	svc("winrm-http", "WinRM-HTTP", KindAdmin, con, "Windows remote management (PowerShell remoting), unencrypted", "tcp:5985"),
	svc("winrm-https", "WinRM-HTTPS", KindAdmin, con, "Windows remote management over TLS", "tcp:5986"),
	svc("elastic-graphics", "Elastic Graphics", KindApp, con, "Elastic Graphics accelerator (retired by AWS)", "tcp:2007"),
	svc("ping", "Echo Request", KindApp, con, "ICMP ping (type 8): lets others check the host is up", "icmp:8"),
	svc("ping6", "Echo Request (IPv6)", KindApp, con, "ICMPv6 ping (type 128 code 0)", "icmpv6:128/0"),
	svc("pmtu", "Fragmentation needed", KindApp, con, "ICMP type 3 code 4: path MTU discovery, avoids hanging connections", "icmp:3/4"),
	svc("pmtu6", "Packet too big (IPv6)", KindApp, con, "ICMPv6 type 2 code 0: IPv6 path MTU discovery", "icmpv6:2/0"),
	svc("http-8080", "HTTP 8080", KindApp, app, "Application servers behind a load balancer (Tomcat, Node, Jetty)", "tcp:8080"),
	svc("https-8443", "HTTPS 8443", KindApp, app, "Application servers serving TLS on 8443", "tcp:8443"),

	svc("activemq", "ActiveMQ", KindApp, app, "ActiveMQ broker: AMQP 5671, MQTT 8883, STOMP 61614, OpenWire 61617, WSS 61619", "tcp:5671", "tcp:8883", "tcp:61614", "tcp:61617", "tcp:61619"),
	svc("alertmanager", "Alertmanager", KindApp, app, "Prometheus Alertmanager web and cluster ports", "tcp:9093", "tcp:9094"),
	svc("carbon", "Carbon (Graphite)", KindApp, app, "Graphite's Carbon: line 2003, pickle 2004, cache query 7002", "tcp:2003", "udp:2003", "tcp:2004", "tcp:7002"),
	svc("cassandra", "Cassandra", KindDatabase, app, "Cassandra CQL clients 9042, Thrift 9160, JMX 7199", "tcp:9042", "tcp:9160", "tcp:7199"),
	svc("consul", "Consul", KindApp, app, "Consul server RPC, Serf LAN/WAN, HTTP/HTTPS API, gRPC and DNS", "tcp:8300", "tcp:8301", "udp:8301", "tcp:8302", "udp:8302", "tcp:8500", "tcp:8501", "tcp:8502", "tcp:8600", "udp:8600"),
	svc("docker-swarm", "Docker Swarm", KindApp, app, "Swarm management 2377, node gossip 7946, overlay network 4789", "tcp:2377", "tcp:7946", "udp:7946", "udp:4789"),
	svc("elasticsearch", "Elasticsearch / OpenSearch", KindDatabase, app, "Search cluster REST API 9200 and transport 9300", "tcp:9200", "tcp:9300"),
	svc("etcd", "etcd", KindApp, app, "etcd client 2379 and peer 2380 (Kubernetes' store)", "tcp:2379", "tcp:2380"),
	svc("grafana", "Grafana", KindApp, app, "Grafana dashboards", "tcp:3000"),
	svc("graphite-web", "Graphite web", KindApp, app, "Graphite's web UI", "tcp:8080"),
	svc("ipsec", "IPsec", KindWeb, app, "Site-to-site VPN: IKE 500, NAT traversal 4500, ESP", "udp:500", "udp:4500", "50"),
	svc("kafka", "Kafka", KindApp, app, "Kafka brokers: plaintext 9092, TLS 9094, SASL/SCRAM 9096, IAM 9098", "tcp:9092", "tcp:9094", "tcp:9096", "tcp:9098"),
	svc("kafka-public", "Kafka (public MSK)", KindApp, app, "MSK public access: TLS 9194, SASL/SCRAM 9196, IAM 9198", "tcp:9194", "tcp:9196", "tcp:9198"),
	svc("kafka-exporters", "Kafka exporters", KindApp, app, "MSK open monitoring: JMX exporter 11001, node exporter 11002", "tcp:11001", "tcp:11002"),
	svc("kibana", "Kibana / OpenSearch Dashboards", KindApp, app, "Search dashboards", "tcp:5601"),
	svc("kubernetes-api", "Kubernetes API", KindAdmin, app, "Kubernetes API server (kubectl)", "tcp:6443"),
	svc("kubelet", "Kubelet", KindApp, app, "Kubelet API on Kubernetes nodes", "tcp:10250"),
	svc("ldaps", "LDAPS", KindApp, app, "Directory lookups over TLS", "tcp:636"),
	svc("logstash", "Logstash", KindApp, app, "Logstash Beats input", "tcp:5044"),
	svc("loki", "Loki", KindApp, app, "Grafana Loki HTTP 3100 and gRPC 9095", "tcp:3100", "tcp:9095"),
	svc("memcached", "Memcached", KindDatabase, app, "Memcached cache", "tcp:11211"),
	svc("minio", "MinIO", KindApp, app, "MinIO S3 API 9000 and console 9001", "tcp:9000", "tcp:9001"),
	svc("mongodb", "MongoDB", KindDatabase, app, "MongoDB and DocumentDB: mongod 27017, shard 27018, config 27019", "tcp:27017", "tcp:27018", "tcp:27019"),
	svc("mssql-extra", "MS SQL extras", KindDatabase, app, "SQL Server browser 1434/udp, analytics 2383, broker 4022", "udp:1434", "tcp:2383", "tcp:4022"),
	svc("nomad", "Nomad", KindApp, app, "Nomad HTTP API 4646, RPC 4647, Serf 4648", "tcp:4646", "tcp:4647", "tcp:4648", "udp:4648"),
	svc("ntp", "NTP", KindApp, app, "Network time, for an NTP server you run", "udp:123"),
	svc("openvpn", "OpenVPN", KindWeb, app, "OpenVPN 1194/udp and Access Server 943 and 443", "udp:1194", "tcp:943", "tcp:443"),
	svc("prometheus", "Prometheus", KindApp, app, "Prometheus server 9090 and Pushgateway 9091", "tcp:9090", "tcp:9091"),
	svc("node-exporter", "Node exporter", KindApp, app, "Prometheus node exporter metrics", "tcp:9100"),
	svc("puppet", "Puppet", KindApp, app, "Puppet server 8140 and PuppetDB 8081", "tcp:8140", "tcp:8081"),
	svc("rabbitmq", "RabbitMQ", KindApp, app, "RabbitMQ: epmd 4369, AMQP 5671/5672, management 15672, cluster 25672", "tcp:4369", "tcp:5671", "tcp:5672", "tcp:15672", "tcp:25672"),
	svc("rdp-udp", "RDP (UDP)", KindAdmin, app, "Remote Desktop's UDP transport", "udp:3389"),
	svc("redis", "Redis / Valkey", KindDatabase, app, "Redis and Valkey, also ElastiCache", "tcp:6379"),
	svc("saltstack", "SaltStack", KindApp, app, "Salt master publish 4505 and return 4506", "tcp:4505-4506"),
	svc("smtp-submission", "SMTP submission", KindWeb, app, "Mail submission from clients with STARTTLS", "tcp:587"),
	svc("solr", "Solr", KindDatabase, app, "Apache Solr search", "tcp:8983-8987"),
	svc("splunk", "Splunk", KindApp, app, "Splunk indexer 9997, web 8000, management 8089, HEC 8088", "tcp:9997", "tcp:8000", "tcp:8089", "tcp:8088"),
	svc("squid", "Squid proxy", KindApp, app, "Squid HTTP proxy", "tcp:3128"),
	svc("storm", "Storm", KindApp, app, "Apache Storm Nimbus 6627, UI 8080, supervisors 6700-6703", "tcp:6627", "tcp:8080", "tcp:6700-6703"),
	svc("vault", "Vault", KindApp, app, "HashiCorp Vault API 8200 and cluster 8201", "tcp:8200", "tcp:8201"),
	svc("wazuh", "Wazuh", KindApp, app, "Wazuh agents 1514, enrolment 1515, API 55000", "tcp:1514", "tcp:1515", "tcp:55000"),
	svc("web-jmx", "JMX", KindApp, app, "Java JMX remote monitoring", "tcp:1099"),
	svc("zabbix", "Zabbix", KindApp, app, "Zabbix agent 10050 and server/proxy 10051", "tcp:10050", "tcp:10051"),
	svc("zipkin", "Zipkin", KindApp, app, "Zipkin collector and UI", "tcp:9411"),
	svc("zookeeper", "ZooKeeper", KindApp, app, "ZooKeeper clients 2181, TLS 2182, quorum 2888, election 3888", "tcp:2181", "tcp:2182", "tcp:2888", "tcp:3888"),

	svc("ftp", "FTP", KindAdmin, app, "File transfer, unencrypted: prefer SFTP over SSH", "tcp:20-21"),
	svc("telnet", "Telnet", KindAdmin, app, "Unencrypted remote login: use SSH instead", "tcp:23"),
	svc("tftp", "TFTP", KindApp, app, "Trivial file transfer (network boot)", "udp:69"),
	svc("syslog", "Syslog", KindApp, app, "Log shipping to a syslog server", "udp:514", "tcp:514"),
	svc("snmp", "SNMP", KindApp, app, "Network monitoring queries 161 and traps 162", "udp:161", "udp:162"),
	svc("kerberos", "Kerberos", KindApp, app, "Authentication for Active Directory", "tcp:88", "udp:88"),
	svc("msrpc", "MS RPC", KindApp, app, "Windows RPC endpoint mapper: never expose it to the internet", "tcp:135"),
	svc("netbios", "NetBIOS", KindApp, app, "Legacy Windows name and session service", "udp:137-138", "tcp:139"),
	svc("mariadb", "MariaDB", KindDatabase, app, "MariaDB server (same port as MySQL)", "tcp:3306"),
	svc("couchdb", "CouchDB", KindDatabase, app, "Apache CouchDB HTTP API", "tcp:5984"),
	svc("neo4j", "Neo4j", KindDatabase, app, "Neo4j browser 7474 and Bolt 7687", "tcp:7474", "tcp:7687"),
	svc("influxdb", "InfluxDB", KindDatabase, app, "InfluxDB HTTP API", "tcp:8086"),
	svc("clickhouse", "ClickHouse", KindDatabase, app, "ClickHouse HTTP 8123 and native 9000", "tcp:8123", "tcp:9000"),
	svc("oracle-tls", "Oracle TLS", KindDatabase, app, "Oracle listener over TLS", "tcp:2484"),
	svc("nats", "NATS", KindApp, app, "NATS clients 4222, cluster 6222, monitoring 8222", "tcp:4222", "tcp:6222", "tcp:8222"),
	svc("mqtt", "MQTT", KindApp, app, "MQTT IoT messaging 1883 and TLS 8883", "tcp:1883", "tcp:8883"),
	svc("jenkins", "Jenkins", KindApp, app, "Jenkins web UI 8080 and agents 50000", "tcp:8080", "tcp:50000"),
	svc("gitlab-ssh", "Git over SSH (alt port)", KindApp, app, "Git servers that run SSH on 2222", "tcp:2222"),
	svc("wireguard", "WireGuard", KindWeb, app, "WireGuard VPN", "udp:51820"),
	svc("sip", "SIP", KindWeb, app, "Voice over IP signalling", "udp:5060", "tcp:5060", "tcp:5061"),
	svc("node-app", "Node.js / dev server", KindApp, app, "Development servers on 3000: keep them private", "tcp:3000"),
	svc("flask", "Flask / dev server 5000", KindApp, app, "Development servers on 5000: keep them private", "tcp:5000"),
	svc("jupyter", "Jupyter", KindApp, app, "Jupyter notebooks run code: never expose them publicly", "tcp:8888"),
	svc("vnc", "VNC", KindAdmin, app, "Remote desktop for Linux (VNC)", "tcp:5900"),
}

// Catalogue returns every service, console types first. The slice is a copy.
func Catalogue() []Service { return append([]Service(nil), catalogue...) }

var serviceByID = func() map[string]Service {
	m := make(map[string]Service, len(catalogue))
	for _, s := range catalogue {
		if _, dup := m[s.ID]; dup {
			panic("catalogue: duplicate id " + s.ID)
		}
		m[s.ID] = s
	}
	return m
}()

// LookupService returns the catalogue entry with this id.
func LookupService(id string) (Service, bool) {
	s, ok := serviceByID[strings.ToLower(strings.TrimSpace(id))]
	return s, ok
}

// serviceByPort finds the console type of a single-port rule, for drafts
// of loaded plans: a rule the console has no type for is a custom one
// (3000 is not Grafana just because Grafana uses it).
var serviceByPort = func() map[PortSpec]Service {
	m := map[PortSpec]Service{}
	for _, s := range catalogue {
		if s.Kind == KindCustom || !s.Console || len(s.Ports) != 1 {
			continue
		}
		if _, ok := m[s.Ports[0]]; !ok {
			m[s.Ports[0]] = s
		}
	}
	return m
}()

// typeByPort names single-port rules as the console's Type column does,
// from the console's predefined types only.
var typeByPort = func() map[PortSpec]string {
	m := map[PortSpec]string{}
	for _, s := range catalogue {
		if s.Kind == KindCustom || s.Kind == KindAll || !s.Console {
			continue
		}
		for _, ps := range s.Ports {
			if _, ok := m[ps]; !ok {
				m[ps] = s.Title
			}
		}
	}
	return m
}()

// nameByPort names a TCP or UDP port for the findings' sentences: the
// console's type, else the first service of the catalogue with that single
// port ("VNC (5900)").
var nameByPort = func() map[PortSpec]string {
	m := map[PortSpec]string{}
	for _, s := range catalogue {
		if s.Kind == KindCustom || s.Kind == KindAll {
			continue
		}
		for _, ps := range s.Ports {
			if _, ok := m[ps]; !ok && (s.Console || len(s.Ports) == 1) {
				m[ps] = s.Title
			}
		}
	}
	return m
}()

// TypeOf is the console's "Type" column for a rule: "SSH", "HTTPS",
// "Custom TCP", "All traffic", …
func TypeOf(r Rule) string {
	if t, ok := typeByPort[PortSpec{r.Protocol, r.Ports}]; ok {
		return t
	}
	return customType(r)
}

// customType is the console's type for a rule of no predefined type:
// "Custom TCP", "All UDP", "Custom ICMP - IPv4", …
func customType(r Rule) string {
	switch {
	case r.Protocol == AllProtocols:
		return "All traffic"
	case r.Protocol.HasPorts() && r.Ports == AllPorts:
		return "All " + r.Protocol.Title()
	case r.Protocol == TCP:
		return "Custom TCP"
	case r.Protocol == UDP:
		return "Custom UDP"
	case r.Protocol == ICMP && r.Ports.From() == -1:
		return "All ICMP - IPv4"
	case r.Protocol == ICMPv6 && r.Ports.From() == -1:
		return "All ICMP - IPv6"
	case r.Protocol == ICMP:
		return "Custom ICMP - IPv4"
	case r.Protocol == ICMPv6:
		return "Custom ICMP - IPv6"
	}
	return "Custom protocol"
}
