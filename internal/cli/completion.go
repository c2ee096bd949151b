package cli

import (
	"github.com/sgwiz/sgwiz/export"
	"github.com/sgwiz/sgwiz/model"
	"github.com/spf13/cobra"
)

// Shell completion offers a flag's values where it has a fixed set
// (sgwiz completion bash|zsh|fish|powershell writes the script).

// completeValues makes flag complete from values, never file names.
func completeValues(cmd *cobra.Command, flag string, values ...string) {
	_ = cmd.RegisterFlagCompletionFunc(flag, cobra.FixedCompletions(values, cobra.ShellCompDirectiveNoFileComp))
}

// completePlanFlags completes the use-case flags every plan command has.
func completePlanFlags(cmd *cobra.Command) {
	completeValues(cmd, "use-case", model.UseCaseIDList()...)
	completeValues(cmd, "engine", model.Engines...)
	completeValues(cmd, "ssh-from", string(model.SSHOffice), string(model.SSHWorld), string(model.SSHNone))
	var egress []string
	for _, e := range model.Egresses {
		egress = append(egress, string(e))
	}
	completeValues(cmd, "egress", egress...)
	_ = cmd.RegisterFlagCompletionFunc("file", cobra.FixedCompletions([]string{"yaml", "yml", "json"}, cobra.ShellCompDirectiveFilterFileExt))
}

// exportFormats are export's --format values.
func exportFormats() []string {
	var out []string
	for _, f := range export.Formats {
		out = append(out, string(f))
	}
	return out
}

// auditFormats are audit's --format values.
func auditFormats() []string {
	var out []string
	for _, f := range export.AuditFormats {
		out = append(out, string(f))
	}
	return out
}
