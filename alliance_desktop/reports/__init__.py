"""Reports and exports: PDF, CSV, FHIR."""
