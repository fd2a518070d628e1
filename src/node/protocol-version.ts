// The replication protocol versions a node speaks, and the version its cluster speaks. Each link
// runs at the highest version both ends speak (net/handshake.ts); the cluster speaks the lowest
// version any connected member speaks, so a mixed cluster in a rolling upgrade runs at the old
// version until the last old node is gone, and wsrep_protocol_version says which. Anything a
// later version changes in what travels through the log (beyond one link) must wait for the
// cluster version, not the link's. See docs/design/transport.md, "Versions and upgrades".
import { protocolVersionMax, protocolVersionMin, type VersionRange } from '../net/handshake.js';

/**
 * Test-only: `min..max` (or one number) makes this build announce other link protocol versions,
 * so that tests can run a mixed-version cluster from one tree. Not for production use.
 */
export const protocolVersionsEnv = 'TRIREME_TEST_PROTOCOL_VERSIONS';

const VERSION_MAX = 65_535;

/** The versions this node speaks: the build's, or the test knob's. Throws on a bad knob. */
export function linkVersions(env: NodeJS.ProcessEnv = process.env): VersionRange {
  const text = env[protocolVersionsEnv];
  if (text === undefined || text === '')
    return { min: protocolVersionMin, max: protocolVersionMax };
  const match = /^(\d+)(?:\.\.(\d+))?$/.exec(text.trim());
  const min = match === null ? NaN : Number(match[1]);
  const max = match === null ? NaN : Number(match[2] ?? match[1]);
  if (!(min >= 1 && min <= max && max <= VERSION_MAX))
    throw new Error(
      `${protocolVersionsEnv}='${text}': expected MIN..MAX with 1 <= MIN <= MAX <= ${VERSION_MAX}`,
    );
  return { min, max };
}

/** The lowest version spoken in the cluster: this node's highest, and every link's. */
export function clusterProtocolVersion(
  own: VersionRange,
  links: readonly { readonly protocolVersion: number }[],
): number {
  return links.reduce((lowest, link) => Math.min(lowest, link.protocolVersion), own.max);
}

/** One line naming the cluster's version and each link's, for the log. */
export function describeProtocolVersions(
  own: VersionRange,
  links: readonly { readonly nodeId: string; readonly protocolVersion: number }[],
): string {
  const version = clusterProtocolVersion(own, links);
  const each = links.map((l) => `${l.nodeId} ${l.protocolVersion}`).join(', ');
  return `the cluster speaks replication protocol version ${version} (this node speaks ${own.min}..${own.max}${each === '' ? '' : `; links: ${each}`})`;
}
