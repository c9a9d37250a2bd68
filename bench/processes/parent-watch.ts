// Loaded into every server the bench starts (`--import` for the sample app, imported by the bench's own
// apps): when the bench's IPC channel closes, whether the bench stopped the server or died, the server
// exits, through process.exit so that --cpu-prof still writes its profile.
if (process.channel) process.once('disconnect', () => process.exit(0));

export {};
