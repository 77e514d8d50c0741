package web

// portalStore is what the portal synchronisation pages need of the store.
type portalStore interface{}

// portalRoutes registers the portal synchronisation pages.
func (s *Server) portalRoutes() {}

// portalAPIRoutes are the portal synchronisation endpoints of the JSON API.
func (s *Server) portalAPIRoutes() []apiRoute { return nil }
