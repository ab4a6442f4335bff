package courses

import "github.com/gofiber/fiber/v2"

// reportRoutes mounts the report pages and API (placeholder until built).
func (h *Handler) reportRoutes(app, api fiber.Router, staff fiber.Handler) {}
