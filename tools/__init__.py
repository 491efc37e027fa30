"""Developer tools: local server and browser helpers shared by the browser tests and screenshot scripts."""
