package web

// publicStore is what the public lookup, the overview and the
// administration pages need of the store.
type publicStore interface{}

// publicRoutes registers the public lookup, the leadership overview and
// the administration pages.
func (s *Server) publicRoutes() {}
