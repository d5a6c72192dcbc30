// Preloaded with `node -r` when /usr/bin/time is missing: the child reports its own peak RSS (KiB) on exit.
process.on('exit', () => process.stderr.write(`MAXRSS=${process.resourceUsage().maxRSS}\n`));
