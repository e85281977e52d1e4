// Package ziping is the domain of ziping (自评): units, periods, data, frameworks and
// the use cases around them. It imports only the standard library and the engine;
// storage, spreadsheets, documents and the web are adapters in their own packages.
package ziping
