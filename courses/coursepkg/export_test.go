package coursepkg

// DecodeYAML is decodeYAML, for the tests of its limits.
var DecodeYAML = decodeYAML
