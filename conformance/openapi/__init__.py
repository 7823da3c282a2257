"""OpenAPI 3.1 export of one provider's spec, for Swagger UI, Redoc, Prism or Schemathesis."""
