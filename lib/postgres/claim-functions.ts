/**
 * The functions that take and complete claims, a batch of events at a time (the deliveries that
 * reach that step at the same moment), and release one. Each call is one statement, atomic, and
 * planned once per connection rather than at every call (a function's plans are kept by the
 * session; a parameterised statement's are not, and planning the claim cost as much as running
 * it). Rows are taken in the order given, which the caller sorts. An event's version (its entity
 * and `date_last_modified`) is recorded with its claim and counts once the event is done: a
 * claim is stale when a done event of the same entity has a newer one, so a completion records
 * the version in the same statement that marks it done. With `replayGuard`, an event's content
 * key is recorded with its claim too, and a claim is refused while another event id with the same
 * key is claimed or done: claims of one key wait for each other on a transaction-scoped advisory
 * lock, all of a batch's taken first, in one order, before any row. The claims of earlier
 * versions (ten and twelve arguments) are left in place by a migration, so that instances not
 * yet upgraded keep working during a rolling deploy.
 */
/** The first key of the claims' advisory locks: the second is the content key's hash. */
const REPLAY_LOCK_CLASS = 0x76696f6c; // 'viol'

export function claimFunctionsSql(schema: string, events: string): string {
  const fn = (name: string) => `"${schema}".violet_webhook_${name}`;
  return `-- A new claim answers 'new', or with a version (p_version_keys[i] not null) 'new:stale' when a
-- done event of the same entity has a newer version, else 'new:fresh'. A content key
-- (p_replay_keys[i] not null) held by another event id answers 'replay:done:<its id>' or
-- 'replay:in-flight:<its id>', and claims nothing.
CREATE OR REPLACE FUNCTION ${fn('claim')}(p_event_ids text[], p_source_event_ids text[],
  p_types text[], p_order_ids bigint[], p_bag_ids bigint[], p_entity_ids text[], p_tokens text[],
  p_lease_ms bigint[], p_bodies text[], p_keep_done_ms bigint, p_version_keys text[],
  p_versions_ms bigint[], p_replay_keys text[]) RETURNS text[]
LANGUAGE plpgsql AS $$
DECLARE
  states text[] := '{}';
  current_state text;
  claimed_version timestamptz;
  is_stale boolean;
  lock_key integer;
  holder record;
BEGIN
  FOR lock_key IN SELECT DISTINCT hashtext(k) FROM unnest(p_replay_keys) AS k
    WHERE k IS NOT NULL ORDER BY 1 LOOP
    PERFORM pg_advisory_xact_lock(${REPLAY_LOCK_CLASS}, lock_key);
  END LOOP;
  FOR i IN 1 .. coalesce(array_length(p_event_ids, 1), 0) LOOP
    IF p_replay_keys[i] IS NOT NULL THEN
      -- A live claim or a done event of another id with the same content; the event's own row
      -- comes first: done or in flight under its own id, it answers so below.
      SELECT e.event_id, e.state INTO holder FROM ${events} AS e
      WHERE e.replay_key = p_replay_keys[i] AND e.event_id <> p_event_ids[i]
        AND ((e.state = 'claimed' AND e.lease_until > now())
          OR (e.state = 'done' AND e.done_at > now() - p_keep_done_ms * interval '1 millisecond'))
        AND NOT EXISTS (SELECT 1 FROM ${events} AS own WHERE own.event_id = p_event_ids[i]
          AND ((own.state = 'claimed' AND own.lease_until > now())
            OR (own.state = 'done'
              AND own.done_at > now() - p_keep_done_ms * interval '1 millisecond')))
      ORDER BY e.state = 'done' DESC LIMIT 1;
      IF FOUND THEN
        states := array_append(states, CASE WHEN holder.state = 'done' THEN 'replay:done:'
          ELSE 'replay:in-flight:' END || holder.event_id);
        CONTINUE;
      END IF;
    END IF;
    claimed_version := NULL;
    is_stale := NULL;
    IF p_version_keys[i] IS NOT NULL THEN
      claimed_version := to_timestamp(p_versions_ms[i] / 1000.0);
      is_stale := EXISTS (SELECT 1 FROM ${events} AS v WHERE v.version_key = p_version_keys[i]
        AND v.state = 'done' AND v.version > claimed_version);
    END IF;
    LOOP
      INSERT INTO ${events} (event_id, source_event_id, type, order_id, bag_id, entity_id, state,
        token, lease_until, body, version_key, version, stale, replay_key)
      VALUES (p_event_ids[i], p_source_event_ids[i], p_types[i], p_order_ids[i], p_bag_ids[i],
        p_entity_ids[i], 'claimed', p_tokens[i], now() + p_lease_ms[i] * interval '1 millisecond',
        p_bodies[i], p_version_keys[i], claimed_version, is_stale, p_replay_keys[i])
      ON CONFLICT (event_id) DO NOTHING;
      IF FOUND THEN
        current_state := 'new';
        EXIT;
      END IF;
      -- Taken over: a released claim, an expired one, or a done event past its retention.
      UPDATE ${events} AS e SET state = 'claimed', token = p_tokens[i],
        lease_until = now() + p_lease_ms[i] * interval '1 millisecond',
        attempts = e.attempts + 1, done_at = NULL, body = COALESCE(p_bodies[i], e.body),
        version_key = p_version_keys[i], version = claimed_version, stale = is_stale,
        replay_key = p_replay_keys[i]
      WHERE e.event_id = p_event_ids[i] AND (e.state = 'failed'
        OR (e.state = 'claimed' AND e.lease_until <= now())
        OR (e.state = 'done' AND e.done_at <= now() - p_keep_done_ms * interval '1 millisecond'));
      IF FOUND THEN
        current_state := 'new';
        EXIT;
      END IF;
      SELECT e.state INTO current_state FROM ${events} AS e WHERE e.event_id = p_event_ids[i];
      EXIT WHEN FOUND;
      -- Pruned in between: try again.
    END LOOP;
    IF current_state = 'new' AND is_stale IS NOT NULL THEN
      current_state := CASE WHEN is_stale THEN 'new:stale' ELSE 'new:fresh' END;
    END IF;
    states := array_append(states, current_state);
  END LOOP;
  RETURN states;
END $$;

CREATE OR REPLACE FUNCTION ${fn('complete')}(p_event_ids text[], p_tokens text[])
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  FOR i IN 1 .. coalesce(array_length(p_event_ids, 1), 0) LOOP
    UPDATE ${events} SET state = 'done', done_at = now(), token = NULL, lease_until = NULL
    WHERE event_id = p_event_ids[i] AND token = p_tokens[i];
  END LOOP;
END $$;

CREATE OR REPLACE FUNCTION ${fn('release')}(p_event_id text, p_token text, p_error text)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  UPDATE ${events} SET state = 'failed', token = NULL, lease_until = NULL, last_error = p_error
  WHERE event_id = p_event_id AND token = p_token;
END $$;
`;
}
