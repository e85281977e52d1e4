package catalog

// AppliesText is appliesText, for the tests.
var AppliesText = appliesText
