// The options node itself runs a trireme node with: bin/trireme.js's first line gives them to
// `trireme …`, and start-local and the test harness to the processes they start. V8's young
// generation at 32 MB per semi-space (16 by default here) takes about a tenth off a node's CPU per
// transaction: fewer scavenges, and fewer short-lived objects copied or promoted
// (docs/design/performance.md, §17). Worker threads cannot take V8 flags (storage/worker-argv.ts).
export const NODE_FLAGS: readonly string[] = ['--max-semi-space-size=32'];
