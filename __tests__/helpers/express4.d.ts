// Express 4 is installed under the alias `express4` to test both majors; it has the same API shape.
declare module 'express4' {
  import express from 'express';
  export default express;
}
