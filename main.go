// Command sgwiz builds least-privilege AWS EC2 security groups: a terminal
// wizard, and the same as commands for scripts and CI.
//
//	sgwiz                                  # the wizard
//	sgwiz export --use-case web --office-cidr 203.0.113.10/32 --format terraform
package main

import (
	"os"

	"github.com/sgwiz/sgwiz/internal/cli"
)

func main() { os.Exit(cli.Main()) }
