-- The W3C trace context a request arrived under, so its run's span joins the caller's trace on whichever instance runs it.
ALTER TABLE inbox ADD COLUMN trace_parent TEXT;
