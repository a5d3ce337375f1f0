// What this browser remembers of a voter's own ballots: the options chosen and the tracker, per
// cluster, voter and election, in localStorage. Only for showing "You voted for …": it is never
// sent anywhere, and the replicas cannot tell it (the ballot they hold is encrypted).

const PREFIX = 'bastion-evoting:ballot:';

function keyOf(cluster, voter, electionId) {
  return `${PREFIX}${cluster}:${voter}:${electionId}`;
}

/** {options: [labels], tracker, castAt} of the voter's last ballot cast from this browser, or null. */
export function remembered(cluster, voter, electionId) {
  try {
    const value = JSON.parse(localStorage.getItem(keyOf(cluster, voter, electionId)));
    return value && Array.isArray(value.options) && typeof value.tracker === 'string' ? value : null;
  } catch {
    return null; // unreadable or unavailable storage: nothing remembered
  }
}

/** Remembers the voter's ballot (it replaces an earlier one, as a re-vote does). */
export function remember(cluster, voter, electionId, ballot) {
  try {
    localStorage.setItem(keyOf(cluster, voter, electionId), JSON.stringify(ballot));
  } catch {
    // storage full or switched off: the page shows the tracker now and cannot later
  }
}

/** A short name for the cluster: hex of SHA-256 over its replicas' public keys, 12 digits. */
export async function clusterName(description) {
  const keys = new TextEncoder().encode(description.replicas.map((r) => r.publicKey.raw).join(','));
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', keys));
  return [...digest.slice(0, 6)].map((b) => b.toString(16).padStart(2, '0')).join('');
}
