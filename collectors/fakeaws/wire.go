package fakeaws

import (
	"encoding/json"
	"encoding/xml"
	"net/http"
	"strconv"
	"strings"

	"github.com/aws/smithy-go/encoding/cbor"
)

const requestID = "fakeaws-0000-0000-0000-000000000000"

// writeJSON answers a REST-JSON or JSON 1.1 request.
func writeJSON(w http.ResponseWriter, contentType string, v any) *fault {
	b, err := json.Marshal(v)
	if err != nil {
		return &fault{500, "InternalFailure", err.Error()}
	}
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("X-Amzn-RequestId", requestID)
	_, _ = w.Write(b)
	return nil
}

// restJSONError is the REST-JSON error shape: the code in a header, the
// message in the body.
func restJSONError(w http.ResponseWriter, f fault) {
	w.Header().Set("X-Amzn-ErrorType", f.code)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(f.status)
	b, _ := json.Marshal(map[string]string{"message": f.msg})
	_, _ = w.Write(b)
}

// jsonError is the JSON 1.1 error shape: {"__type": code, "message": ...}.
func jsonError(w http.ResponseWriter, f fault) {
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	w.WriteHeader(f.status)
	b, _ := json.Marshal(map[string]string{"__type": f.code, "message": f.msg})
	_, _ = w.Write(b)
}

// queryError is the error shape of the query protocols and REST-XML.
func queryError(w http.ResponseWriter, f fault) {
	writeXMLStatus(w, f.status, el("ErrorResponse",
		el("Error", txt("Type", "Sender"), txt("Code", f.code), txt("Message", f.msg)),
		txt("RequestId", requestID)))
}

// ec2Error is EC2's own error shape.
func ec2Error(w http.ResponseWriter, f fault) {
	writeXMLStatus(w, f.status, el("Response",
		el("Errors", el("Error", txt("Code", f.code), txt("Message", f.msg))),
		txt("RequestID", requestID)))
}

// cborError is the RPC v2 CBOR error shape; services that were query
// services before (CloudWatch) also send the query code in a header.
func cborError(w http.ResponseWriter, f fault) {
	w.Header().Set("Content-Type", "application/cbor")
	w.Header().Set("Smithy-Protocol", "rpc-v2-cbor")
	w.Header().Set("X-Amzn-Query-Error", f.code+";Sender")
	w.WriteHeader(f.status)
	_, _ = w.Write(cbor.Encode(cbor.Map{"__type": cbor.String(f.code), "message": cbor.String(f.msg)}))
}

// writeCBOR answers an RPC v2 CBOR request.
func writeCBOR(w http.ResponseWriter, v cbor.Map) *fault {
	w.Header().Set("Content-Type", "application/cbor")
	w.Header().Set("Smithy-Protocol", "rpc-v2-cbor")
	_, _ = w.Write(cbor.Encode(v))
	return nil
}

// node is an XML element built by el/txt; the query, EC2 and REST-XML
// answers are written with it rather than with SDK types.
type node struct {
	name  string
	text  string
	xmlns string
	kids  []node
	// skip marks an element left out (an empty optional value).
	skip bool
}

func el(name string, kids ...node) node { return node{name: name, kids: kids} }

// txt is a text element, left out when text is empty.
func txt(name, text string) node { return node{name: name, text: text, skip: text == ""} }

// num is a number element, left out when zero.
func num(name string, n int) node { return node{name: name, text: strconv.Itoa(n), skip: n == 0} }

func boolean(name string, b bool) node { return node{name: name, text: strconv.FormatBool(b)} }

// list wraps items in name, each in an itemName element (member or item).
func list(name, itemName string, items []node) node {
	n := node{name: name}
	for _, it := range items {
		it.name = itemName
		n.kids = append(n.kids, it)
	}
	return n
}

// strs wraps strings as list items.
func strs(values []string) []node {
	var out []node
	for _, v := range values {
		out = append(out, node{text: v})
	}
	return out
}

func (n node) write(b *strings.Builder) {
	if n.skip {
		return
	}
	b.WriteString("<" + n.name)
	if n.xmlns != "" {
		b.WriteString(` xmlns="` + n.xmlns + `"`)
	}
	b.WriteString(">")
	_ = xml.EscapeText(b, []byte(n.text))
	for _, k := range n.kids {
		k.write(b)
	}
	b.WriteString("</" + n.name + ">")
}

func writeXML(w http.ResponseWriter, root node) *fault {
	writeXMLStatus(w, http.StatusOK, root)
	return nil
}

func writeXMLStatus(w http.ResponseWriter, status int, root node) {
	var b strings.Builder
	b.WriteString(xml.Header)
	root.write(&b)
	w.Header().Set("Content-Type", "text/xml")
	w.Header().Set("X-Amzn-RequestId", requestID)
	w.WriteHeader(status)
	_, _ = w.Write([]byte(b.String()))
}

// queryResponse wraps a query-protocol result: OpResponse/OpResult plus the
// response metadata.
func queryResponse(op, xmlns string, result ...node) node {
	root := el(op+"Response", el(op+"Result", result...), el("ResponseMetadata", txt("RequestId", requestID)))
	root.xmlns = xmlns
	return root
}

// cborInput decodes the CBOR body of an RPC v2 request into its top-level
// map; an empty body is an empty map.
func cborInput(c *call) (cbor.Map, *fault) {
	if len(c.body) == 0 {
		return cbor.Map{}, nil
	}
	v, err := cbor.Decode(c.body)
	if err != nil {
		return nil, &fault{400, "SerializationException", err.Error()}
	}
	in, _ := v.(cbor.Map)
	return in, nil
}
