package web

import (
	"net/http"
	"reflect"
	"strings"
	"time"
)

// apiRoute is one JSON endpoint. The mux and the OpenAPI document are both
// built from the same list, so the document cannot drift from the routes.
type apiRoute struct {
	method, path, summary string
	request, response     any // zero values whose types describe the bodies; nil for none
	query                 []string
	auth                  bool
	handler               http.HandlerFunc
}

// pdfFile is the response of a route that answers a PDF document.
type pdfFile struct{}

// openAPI builds the OpenAPI 3.1 document of the routes.
func openAPI(routes []apiRoute) map[string]any {
	schemas := map[string]any{}
	paths := map[string]any{}
	for _, rt := range routes {
		op := map[string]any{"summary": rt.summary, "operationId": operationID(rt)}
		var params []any
		for _, seg := range strings.Split(rt.path, "/") {
			if strings.HasPrefix(seg, "{") {
				params = append(params, map[string]any{"name": strings.Trim(seg, "{}"), "in": "path", "required": true, "schema": map[string]any{"type": "string"}})
			}
		}
		for _, q := range rt.query {
			params = append(params, map[string]any{"name": q, "in": "query", "schema": map[string]any{"type": "string"}})
		}
		if rt.method == http.MethodPost && rt.auth {
			params = append(params,
				map[string]any{"name": "Idempotency-Key", "in": "header", "schema": map[string]any{"type": "string"}, "description": "a retried command with the same key returns the first result"},
				map[string]any{"name": "If-Match", "in": "header", "schema": map[string]any{"type": "string"}, "description": "the dossier version the command is based on; a stale one gets 409"})
		}
		if len(params) > 0 {
			op["parameters"] = params
		}
		if rt.request != nil {
			op["requestBody"] = map[string]any{"required": true, "content": map[string]any{"application/json": map[string]any{"schema": schemaOf(reflect.TypeOf(rt.request), schemas)}}}
		}
		ok := map[string]any{"description": "OK"}
		switch rt.response.(type) {
		case nil:
		case pdfFile:
			ok["content"] = map[string]any{"application/pdf": map[string]any{"schema": map[string]any{"type": "string", "format": "binary"}}}
		default:
			ok["content"] = map[string]any{"application/json": map[string]any{"schema": schemaOf(reflect.TypeOf(rt.response), schemas)}}
		}
		op["responses"] = map[string]any{"200": ok, "default": map[string]any{"description": "error",
			"content": map[string]any{"application/json": map[string]any{"schema": schemaOf(reflect.TypeOf(apiError{}), schemas)}}}}
		if rt.auth {
			op["security"] = []any{map[string]any{"bearer": []any{}}}
		}
		item, _ := paths[rt.path].(map[string]any)
		if item == nil {
			item = map[string]any{}
			paths[rt.path] = item
		}
		item[strings.ToLower(rt.method)] = op
	}
	return map[string]any{
		"openapi": "3.1.0",
		"info":    map[string]any{"title": "dunghan API", "version": "1", "description": "Hồ sơ thủ tục hành chính: tiếp nhận, xử lý, thời hạn. Errors are {error: {code, message}} with a Vietnamese message."},
		"paths":   paths,
		"components": map[string]any{"schemas": schemas,
			"securitySchemes": map[string]any{"bearer": map[string]any{"type": "http", "scheme": "bearer"}}},
	}
}

func operationID(rt apiRoute) string {
	id := strings.ToLower(rt.method)
	for _, seg := range strings.Split(strings.TrimPrefix(rt.path, "/api/v1/"), "/") {
		seg = strings.Trim(seg, "{}")
		for _, part := range strings.FieldsFunc(seg, func(r rune) bool { return r == '-' || r == '_' }) {
			id += strings.ToUpper(part[:1]) + part[1:]
		}
	}
	return id
}

var timeType = reflect.TypeOf(time.Time{})

// schemaOf returns the JSON Schema of t, registering named structs in schemas.
func schemaOf(t reflect.Type, schemas map[string]any) map[string]any {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case t == timeType:
		return map[string]any{"type": "string", "format": "date-time"}
	case t.Kind() == reflect.Bool:
		return map[string]any{"type": "boolean"}
	case t.Kind() >= reflect.Int && t.Kind() <= reflect.Uint64:
		return map[string]any{"type": "integer"}
	case t.Kind() == reflect.Float32 || t.Kind() == reflect.Float64:
		return map[string]any{"type": "number"}
	case t.Kind() == reflect.String:
		return map[string]any{"type": "string"}
	case t.Kind() == reflect.Slice || t.Kind() == reflect.Array:
		return map[string]any{"type": "array", "items": schemaOf(t.Elem(), schemas)}
	case t.Kind() == reflect.Map:
		return map[string]any{"type": "object", "additionalProperties": schemaOf(t.Elem(), schemas)}
	case t.Kind() != reflect.Struct:
		return map[string]any{}
	}
	name := t.Name()
	if name != "" {
		ref := map[string]any{"$ref": "#/components/schemas/" + name}
		if _, done := schemas[name]; done {
			return ref
		}
		schemas[name] = map[string]any{} // placeholder against recursion
	}
	props := map[string]any{}
	addFields(t, props, schemas)
	s := map[string]any{"type": "object", "properties": props}
	if name == "" {
		return s
	}
	schemas[name] = s
	return map[string]any{"$ref": "#/components/schemas/" + name}
}

// addFields adds t's JSON fields to props, flattening embedded structs.
func addFields(t reflect.Type, props map[string]any, schemas map[string]any) {
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		name, _, _ := strings.Cut(tag, ",")
		if name == "-" || (!f.IsExported() && !f.Anonymous) {
			continue
		}
		if f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct {
			addFields(f.Type, props, schemas)
			continue
		}
		if name == "" {
			name = f.Name
		}
		props[name] = schemaOf(f.Type, schemas)
	}
}
