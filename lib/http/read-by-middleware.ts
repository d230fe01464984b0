import { BodyAlreadyRead } from '../receive/delivery';

/**
 * A Node request stream that another middleware read (express.json(), most often): its message
 * names the fix. The Express adapter and `receive()` both answer with it, since the requests they
 * are given come from Node servers and their middleware.
 */
export const READ_BY_MIDDLEWARE = new BodyAlreadyRead(
  'the request body was already read by another middleware, so its exact bytes cannot be verified; ' +
    'mount the Violet middleware before express.json(), or keep the raw bytes with ' +
    'express.json({ verify: captureRawBody })',
);
