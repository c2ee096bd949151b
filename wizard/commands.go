package wizard

import (
	"errors"
	"os"
	"path/filepath"
	"strings"

	tea "charm.land/bubbletea/v2"
	"github.com/sgwiz/sgwiz/export"
	"github.com/sgwiz/sgwiz/model"
)

// The wizard's I/O, as commands whose results come back as messages.

// planLoadedMsg carries a plan file read from disk.
type planLoadedMsg struct {
	plan     model.Plan
	warnings []string
	err      error
	// fixOf is the id of the group an audit's fix changes: the plan is
	// not what AWS holds yet.
	fixOf string
}

func loadPlan(path string, book model.AddressBook) tea.Cmd {
	return func() tea.Msg {
		p, warnings, err := export.ReadPlanFile(expandHome(path), book)
		return planLoadedMsg{plan: p, warnings: warnings, err: err}
	}
}

// savedMsg reports a file write; exists asks whether to replace the file.
type savedMsg struct {
	path   string
	err    error
	exists bool
	plan   bool // a plan file, which marks the answers saved
}

func saveFile(path string, data []byte, mode export.FileMode, force, plan bool) tea.Cmd {
	return func() tea.Msg {
		path := expandHome(path)
		err := export.WriteFile(path, data, mode.Perm(), force)
		return savedMsg{path: path, err: err, exists: errors.Is(err, export.ErrExists), plan: plan}
	}
}

// expandHome reads a leading ~/ (or a lone ~) as the home directory, as a
// shell would have: the wizard's path fields are typed without one.
func expandHome(path string) string {
	rest, ok := strings.CutPrefix(path, "~")
	if !ok || (rest != "" && rest[0] != '/' && rest[0] != filepath.Separator) {
		return path // ~user/… is left as it is
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return path
	}
	return filepath.Join(home, rest)
}

// renderedMsg carries an export's text for the preview pane.
type renderedMsg struct {
	format export.Format
	out    []byte
	err    error
}

func renderExport(f export.Format, p model.Plan) tea.Cmd {
	return func() tea.Msg {
		out, err := export.Render(f, p)
		return renderedMsg{format: f, out: out, err: err}
	}
}
