package web

// formsStore is what the printable forms need of the store.
type formsStore interface{}

// formsRoutes registers the form pages.
func (s *Server) formsRoutes() {}

// formsAPIRoutes are the form endpoints of the JSON API.
func (s *Server) formsAPIRoutes() []apiRoute { return nil }
