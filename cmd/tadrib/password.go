package main

import "crypto/rand"

// randomPassword returns 128 random bits as 26 base32 characters.
func randomPassword() string { return rand.Text() }
