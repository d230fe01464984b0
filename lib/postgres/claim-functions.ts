/**
 * The functions that take and complete claims, a batch of events at a time (the deliveries that
 * reach that step at the same moment), and release one. Each call is one statement, atomic, and
 * planned once per connection rather than at every call (a function's plans are kept by the
 * session; a parameterised statement's are not, and planning the claim cost as much as running
 * it). Rows are taken in the order given, which the caller sorts. An event's version (its entity
 * and `date_last_modified`) is recorded with its claim and counts once the event is done: a
 * claim is stale when a done event of the same entity has a newer one, so a completion records
 * the version in the same statement that marks it done. The claim of earlier versions (ten
 * arguments) is left in place by a migration, so that instances not yet upgraded keep working
 * during a rolling deploy.
 */
export function claimFunctionsSql(schema: string, events: string): string {
  const fn = (name: string) => `"${schema}".violet_webhook_${name}`;
  return `-- A new claim answers 'new', or with a version (p_version_keys[i] not null) 'new:stale' when a
-- done event of the same entity has a newer version, else 'new:fresh'.
CREATE OR REPLACE FUNCTION ${fn('claim')}(p_event_ids text[], p_source_event_ids text[],
  p_types text[], p_order_ids bigint[], p_bag_ids bigint[], p_entity_ids text[], p_tokens text[],
  p_lease_ms bigint[], p_bodies text[], p_keep_done_ms bigint, p_version_keys text[],
  p_versions_ms bigint[]) RETURNS text[]
LANGUAGE plpgsql AS $$
DECLARE
  states text[] := '{}';
  current_state text;
  claimed_version timestamptz;
  is_stale boolean;
BEGIN
  FOR i IN 1 .. coalesce(array_length(p_event_ids, 1), 0) LOOP
    claimed_version := NULL;
    is_stale := NULL;
    IF p_version_keys[i] IS NOT NULL THEN
      claimed_version := to_timestamp(p_versions_ms[i] / 1000.0);
      is_stale := EXISTS (SELECT 1 FROM ${events} AS v WHERE v.version_key = p_version_keys[i]
        AND v.state = 'done' AND v.version > claimed_version);
    END IF;
    LOOP
      INSERT INTO ${events} (event_id, source_event_id, type, order_id, bag_id, entity_id, state,
        token, lease_until, body, version_key, version, stale)
      VALUES (p_event_ids[i], p_source_event_ids[i], p_types[i], p_order_ids[i], p_bag_ids[i],
        p_entity_ids[i], 'claimed', p_tokens[i], now() + p_lease_ms[i] * interval '1 millisecond',
        p_bodies[i], p_version_keys[i], claimed_version, is_stale)
      ON CONFLICT (event_id) DO NOTHING;
      IF FOUND THEN
        current_state := 'new';
        EXIT;
      END IF;
      -- Taken over: a released claim, an expired one, or a done event past its retention.
      UPDATE ${events} AS e SET state = 'claimed', token = p_tokens[i],
        lease_until = now() + p_lease_ms[i] * interval '1 millisecond',
        attempts = e.attempts + 1, done_at = NULL, body = COALESCE(p_bodies[i], e.body),
        version_key = p_version_keys[i], version = claimed_version, stale = is_stale
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
