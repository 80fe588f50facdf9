// Package gatewatch embeds the files the binary carries from the repository
// root: the demo account that `gatewatch scan --demo` evaluates when there
// are no AWS credentials to scan with.
package gatewatch

import _ "embed"

// DemoSnapshot is testdata/demo/snapshot.json: the reference architecture
// of the design notes with its typical mistakes beside compliant resources.
//
//go:embed testdata/demo/snapshot.json
var DemoSnapshot []byte
