import { ruleCases } from './rule-cases.ts';

ruleCases('copy-program', {
  fires: ["COPY users FROM PROGRAM 'curl http://x'"],
  silent: ["COPY users TO STDOUT", "COPY users FROM STDIN"],
});
