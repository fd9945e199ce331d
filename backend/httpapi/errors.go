package httpapi

import (
	"encoding/json"
	"log/slog"
	"net/http"

	"github.com/deskchat/deskchat/backend/chat"
)

// statusOf maps every error code to its HTTP status, in one place.
var statusOf = map[string]int{
	chat.EInvalid:         http.StatusBadRequest,
	chat.EInvalidJSON:     http.StatusBadRequest,
	chat.EUnknownField:    http.StatusBadRequest,
	chat.EInvalidUTF8:     http.StatusBadRequest,
	chat.EMessageEmpty:    http.StatusBadRequest,
	chat.EMessageTooLong:  http.StatusBadRequest,
	chat.EBodyTooLarge:    http.StatusRequestEntityTooLarge,
	chat.EFileTooLarge:    http.StatusRequestEntityTooLarge,
	chat.EFileEmpty:       http.StatusBadRequest,
	chat.ETooManyFiles:    http.StatusBadRequest,
	chat.ERange:           http.StatusRequestedRangeNotSatisfiable,
	chat.EMediaType:       http.StatusUnsupportedMediaType,
	chat.EUnauthorized:    http.StatusUnauthorized,
	chat.ETokenExpired:    http.StatusUnauthorized,
	chat.ECustomerErased:  http.StatusUnauthorized,
	chat.EBadCredentials:  http.StatusUnauthorized,
	chat.EForbidden:       http.StatusForbidden,
	chat.ENotAuthor:       http.StatusForbidden,
	chat.EOriginForbidden: http.StatusForbidden,
	chat.ENotFound:        http.StatusNotFound,
	chat.EMethod:          http.StatusMethodNotAllowed,
	chat.EConflict:        http.StatusConflict,
	chat.EResync:          http.StatusConflict,
	chat.ERateLimited:     http.StatusTooManyRequests,
	chat.EUnavailable:     http.StatusServiceUnavailable,
	chat.EInternal:        http.StatusInternalServerError,
}

// StatusOf is the HTTP status the server answers an error code with
// (500 for a code it does not know).
func StatusOf(code string) int {
	if status, ok := statusOf[code]; ok {
		return status
	}
	return http.StatusInternalServerError
}

// writeError answers with err's code and status. Internal errors are
// logged with the request and answered with a generic text.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	code := chat.ErrorCode(err)
	status, ok := statusOf[code]
	if !ok {
		status = http.StatusInternalServerError
	}
	if code == chat.EInternal {
		s.log.Error("internal error", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	switch code {
	case chat.EUnavailable:
		w.Header().Set("Retry-After", "1")
	case chat.EUnauthorized, chat.ETokenExpired, chat.ECustomerErased:
		w.Header().Set("WWW-Authenticate", `Bearer realm="deskchat"`)
	}
	writeJSON(w, status, chat.ErrorResponse{Error: chat.ErrorBody{Code: code, Message: chat.ErrorMessage(err)}})
}

// writeBare answers err without a request log (for wrappers without the
// server at hand); err is never internal there.
func writeBare(w http.ResponseWriter, err error) {
	writeJSON(w, statusOf[chat.ErrorCode(err)], chat.ErrorResponse{Error: chat.ErrorBody{Code: chat.ErrorCode(err), Message: chat.ErrorMessage(err)}})
}

// writeJSON answers with v as JSON.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	if err := json.NewEncoder(w).Encode(v); err != nil {
		slog.Debug("write response", "err", err)
	}
}
