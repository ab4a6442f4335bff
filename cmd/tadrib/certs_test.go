package main

import (
	"tadrib/certs/credential"
)

// testSigningKey signs the test apps' certificates: generated once per test
// run, so no test writes a development key into the source tree.
var testSigningKey = func() string {
	k, err := credential.Generate()
	if err != nil {
		panic(err)
	}
	return string(k)
}()
