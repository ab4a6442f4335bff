package courses

import "github.com/gofiber/fiber/v2"

// authorRoutes mounts the author pages and API (placeholder until built).
func (h *Handler) authorRoutes(app, api fiber.Router, staff fiber.Handler) {}
