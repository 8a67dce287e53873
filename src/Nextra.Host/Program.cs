// Composition root; the CLI and server are built by the host issue.
return 0;
