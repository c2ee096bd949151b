package yamljson

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

func TestMarshalKeepsOrderTypesAndIntrinsics(t *testing.T) {
	src := `b: 1
a: "2"
c: [true, null, x]
d: !GetAtt App.GroupId
e: !Ref VpcId
f: !If [HasVpc, !Ref VpcId, !Ref "AWS::NoValue"]
g: "quote \" back\\ tab\t é \u2028"
h: {}
i: []
`
	var n yaml.Node
	if err := yaml.Unmarshal([]byte(src), &n); err != nil {
		t.Fatal(err)
	}
	out, err := Marshal(&n)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"b":1,"a":"2","c":[true,null,"x"],"d":{"Fn::GetAtt":["App","GroupId"]},"e":{"Ref":"VpcId"},"f":{"Fn::If":["HasVpc",{"Ref":"VpcId"},{"Ref":"AWS::NoValue"}]},"g":"quote \" back\\ tab\t é \u2028","h":{},"i":[]}`
	var got, exp any
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	_ = json.Unmarshal([]byte(want), &exp)
	if !reflect.DeepEqual(got, exp) {
		t.Errorf("got %s", out)
	}
	if !strings.HasPrefix(string(out), "{\n  \"b\": 1,\n  \"a\"") {
		t.Errorf("key order or indent lost: %s", out)
	}
}
