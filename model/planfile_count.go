package model

import (
	"bytes"
)

// countGroups counts the items of a plan file's top-level groups list
// without reading the file into nodes (a 100,000-group file costs 190 MB
// and two seconds that way), so that too many groups are refused first.
// It reads the two usual shapes: JSON, and YAML in block style with
// "groups:" at the start of a line. For any other shape ok is false and
// the full reading counts. line is the line of the groups key.
func countGroups(data []byte) (n, line int, ok bool) {
	if t := bytes.TrimSpace(data); len(t) > 0 && t[0] == '{' {
		return countJSONGroups(data)
	}
	const (
		before = iota // before the groups key
		first         // after it: the first item sets the indent
		items         // counting items at that indent
	)
	state, indent := before, 0
	for no := 1; len(data) > 0; no++ {
		l := data
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			l, data = data[:i], data[i+1:]
		} else {
			data = nil
		}
		l = bytes.TrimRight(l, "\r")
		content := bytes.TrimLeft(l, " ")
		at := len(l) - len(content)
		if len(content) == 0 || content[0] == '#' {
			continue
		}
		item := content[0] == '-' && (len(content) == 1 || content[1] == ' ')
		switch state {
		case before:
			if at == 0 && bytes.HasPrefix(content, []byte("groups:")) {
				if rest := bytes.TrimSpace(content[len("groups:"):]); len(rest) > 0 && rest[0] != '#' {
					return 0, 0, false // a flow list or a scalar: the full reading says
				}
				state, line = first, no
			}
		case first:
			if !item {
				return 0, 0, false
			}
			state, indent, n = items, at, 1
		case items:
			if at < indent || at == indent && !item || at == 0 && (bytes.HasPrefix(l, []byte("---")) || bytes.HasPrefix(l, []byte("..."))) {
				return n, line, true
			}
			if at == indent {
				n++
			}
		}
	}
	return n, line, state == items
}

// countJSONGroups counts the groups of a JSON plan file with a scan of
// its bytes that keeps nothing: the values at depth 2 under the top-level
// key "groups". A file that is not well formed gets ok false, and the full
// reading says what is wrong.
func countJSONGroups(data []byte) (n, line int, ok bool) {
	depth, no := 0, 1
	inGroups, counting, key := false, false, false
	var last []byte // the last string at depth 1
	for i := 0; i < len(data); i++ {
		switch c := data[i]; c {
		case '\n':
			no++
		case '"':
			j := i + 1
			for ; j < len(data) && data[j] != '"'; j++ {
				if data[j] == '\\' {
					j++
				}
			}
			if j >= len(data) {
				return 0, 0, false
			}
			if depth == 1 {
				last, key = data[i+1:j], true
			}
			if counting && depth == 2 && n == 0 {
				n = 1
			}
			i = j
		case ':':
			if depth == 1 && key {
				inGroups, line = string(last) == "groups", no
			}
		case ',':
			key = false
			if counting && depth == 2 {
				n++
			}
		case '{', '[':
			if counting && depth == 2 && n == 0 {
				n = 1
			}
			depth++
			if depth == 2 && inGroups && c == '[' {
				counting = true
			}
		case '}', ']':
			depth--
			if counting && depth == 1 {
				return n, line, true
			}
			if depth < 0 {
				return 0, 0, false
			}
		default:
			if counting && depth == 2 && n == 0 && c != ' ' && c != '\t' && c != '\r' {
				n = 1
			}
		}
	}
	return 0, 0, false
}
