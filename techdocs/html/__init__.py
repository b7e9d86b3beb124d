"""Built docs pages made safe to show inside the portal: extract, sanitise, rewrite."""
