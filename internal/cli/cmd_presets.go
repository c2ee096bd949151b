package cli

import (
	"encoding/json"
	"fmt"
	"text/tabwriter"

	"github.com/sgwiz/sgwiz/model"
	"github.com/spf13/cobra"
)

type presetsOptions struct {
	env  *Env
	json bool
}

func newPresetsCmd(env *Env) *cobra.Command {
	opts := &presetsOptions{env: env}
	cmd := &cobra.Command{
		Use:   "presets",
		Short: "List the use cases and the service catalogue",
		Example: `  sgwiz presets
  sgwiz presets --json | jq '.services[] | select(.id == "redis")'`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return presetsRun(opts) },
	}
	cmd.Flags().BoolVar(&opts.json, "json", false, "print JSON: {use_cases: [...], services: [...]}")
	return cmd
}

type presetsJSON struct {
	UseCases []useCaseJSON `json:"use_cases"`
	Services []serviceJSON `json:"services"`
}

type useCaseJSON struct {
	ID            string   `json:"id"`
	Title         string   `json:"title"`
	Description   string   `json:"description"`
	DefaultEgress string   `json:"default_egress"`
	Egress        []string `json:"egress"`
}

// serviceJSON gives the first port's protocol and range flat, and every
// port (several for services such as Kafka or Consul) under ports.
type serviceJSON struct {
	ID       string     `json:"id"`
	Title    string     `json:"title"`
	Protocol string     `json:"protocol"`
	FromPort int        `json:"from_port"`
	ToPort   int        `json:"to_port"`
	Ports    []portJSON `json:"ports"`
	Kind     string     `json:"kind"`
	Console  bool       `json:"console"`
	About    string     `json:"about"`
}

type portJSON struct {
	Protocol string `json:"protocol"`
	FromPort int    `json:"from_port"`
	ToPort   int    `json:"to_port"`
}

var kindNames = map[model.ServiceKind]string{
	model.KindApp: "app", model.KindWeb: "public", model.KindAdmin: "admin",
	model.KindDatabase: "database", model.KindCustom: "custom", model.KindAll: "all",
}

func presetsRun(opts *presetsOptions) error {
	if opts.json {
		var out presetsJSON
		for _, u := range model.UseCases() {
			uj := useCaseJSON{ID: u.ID, Title: u.Title, Description: u.Description, DefaultEgress: string(u.DefaultEgress)}
			for _, e := range u.Egresses {
				uj.Egress = append(uj.Egress, string(e))
			}
			out.UseCases = append(out.UseCases, uj)
		}
		for _, s := range model.Catalogue() {
			sj := serviceJSON{ID: s.ID, Title: s.Title, Kind: kindNames[s.Kind], Console: s.Console, About: s.About}
			for _, p := range s.Ports {
				sj.Ports = append(sj.Ports, portJSON{p.Protocol.API(), p.Ports.From(), p.Ports.To()})
			}
			sj.Protocol, sj.FromPort, sj.ToPort = sj.Ports[0].Protocol, sj.Ports[0].FromPort, sj.Ports[0].ToPort
			out.Services = append(out.Services, sj)
		}
		enc := json.NewEncoder(opts.env.Out)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(out)
	}
	w := tabwriter.NewWriter(opts.env.Out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "USE CASE\tTITLE\tEGRESS\tDESCRIPTION")
	for _, u := range model.UseCases() {
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\n", u.ID, u.Title, u.DefaultEgress, u.Description)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "SERVICE\tTITLE\tPORTS\tABOUT")
	for _, s := range model.Catalogue() {
		ports := s.PortsText()
		if s.Kind == model.KindCustom {
			ports = "you choose"
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\n", s.ID, s.Title, ports, s.About)
	}
	return w.Flush()
}
