// Package yamljson writes a YAML node tree as JSON, keeping key order, so
// that one tree gives both forms of a file (the plan file, CloudFormation).
// CloudFormation's short-form tags become their long forms: !Ref X is
// {"Ref": "X"}, !GetAtt A.B is {"Fn::GetAtt": ["A", "B"]}, !Sub s is
// {"Fn::Sub": s}.
package yamljson

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Marshal returns n as indented JSON (two spaces) ending in a newline.
func Marshal(n *yaml.Node) ([]byte, error) {
	var b bytes.Buffer
	if err := write(&b, n, ""); err != nil {
		return nil, err
	}
	b.WriteByte('\n')
	return b.Bytes(), nil
}

func write(b *bytes.Buffer, n *yaml.Node, indent string) error {
	if n.Kind == yaml.DocumentNode {
		return write(b, n.Content[0], indent)
	}
	if tag := n.Tag; strings.HasPrefix(tag, "!") && !strings.HasPrefix(tag, "!!") {
		return writeIntrinsic(b, n, indent)
	}
	inner := indent + "  "
	switch n.Kind {
	case yaml.MappingNode:
		if len(n.Content) == 0 {
			b.WriteString("{}")
			return nil
		}
		b.WriteString("{\n")
		for i := 0; i < len(n.Content); i += 2 {
			b.WriteString(inner)
			writeString(b, n.Content[i].Value)
			b.WriteString(": ")
			if err := write(b, n.Content[i+1], inner); err != nil {
				return err
			}
			if i+2 < len(n.Content) {
				b.WriteByte(',')
			}
			b.WriteByte('\n')
		}
		b.WriteString(indent + "}")
	case yaml.SequenceNode:
		if len(n.Content) == 0 {
			b.WriteString("[]")
			return nil
		}
		b.WriteString("[\n")
		for i, c := range n.Content {
			b.WriteString(inner)
			if err := write(b, c, inner); err != nil {
				return err
			}
			if i+1 < len(n.Content) {
				b.WriteByte(',')
			}
			b.WriteByte('\n')
		}
		b.WriteString(indent + "]")
	case yaml.ScalarNode:
		switch n.ShortTag() {
		case "!!int", "!!float":
			if _, err := strconv.ParseFloat(n.Value, 64); err != nil {
				return fmt.Errorf("line %d: %q is not a JSON number", n.Line, n.Value)
			}
			b.WriteString(n.Value)
		case "!!bool", "!!null":
			b.WriteString(n.Value)
		default:
			writeString(b, n.Value)
		}
	case yaml.AliasNode:
		return write(b, n.Alias, indent)
	}
	return nil
}

func writeIntrinsic(b *bytes.Buffer, n *yaml.Node, indent string) error {
	name := strings.TrimPrefix(n.Tag, "!")
	if name != "Ref" && name != "Condition" {
		name = "Fn::" + name
	}
	value := *n
	value.Tag = ""
	value.Style &^= yaml.TaggedStyle
	if name == "Fn::GetAtt" && n.Kind == yaml.ScalarNode {
		res, attr, _ := strings.Cut(n.Value, ".")
		value = yaml.Node{Kind: yaml.SequenceNode, Content: []*yaml.Node{
			{Kind: yaml.ScalarNode, Tag: "!!str", Value: res},
			{Kind: yaml.ScalarNode, Tag: "!!str", Value: attr},
		}}
	} else if value.Kind == yaml.ScalarNode {
		value.Tag = "!!str"
	}
	wrapper := &yaml.Node{Kind: yaml.MappingNode, Content: []*yaml.Node{
		{Kind: yaml.ScalarNode, Tag: "!!str", Value: name}, &value,
	}}
	return write(b, wrapper, indent)
}

func writeString(b *bytes.Buffer, s string) {
	if plainASCII(s) {
		b.WriteByte('"')
		b.WriteString(s)
		b.WriteByte('"')
		return
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // a string always encodes
	b.Write(bytes.TrimSuffix(buf.Bytes(), []byte("\n")))
}

// plainASCII reports whether s needs no JSON escaping at all.
func plainASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7e || c == '"' || c == '\\' {
			return false
		}
	}
	return true
}
