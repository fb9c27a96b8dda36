import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { graph } from '../../graphs/agent.ts';

describe('the agent graph as LangGraph clients see it', () => {
  it('langgraph.json lists it, with guard and permit before every tool call', () => {
    const manifest = JSON.parse(fs.readFileSync(path.resolve(import.meta.dirname, '../../langgraph.json'), 'utf8'));
    expect(manifest.graphs.agent).toBe('./graphs/agent.ts:graph');
    expect(Object.keys(graph.nodes)).toEqual(expect.arrayContaining(['screen', 'model', 'guard', 'permit', 'tools']));
    const edges = graph.getGraph().edges.map((edge) => `${edge.source}->${edge.target}`);
    expect(edges).toEqual(expect.arrayContaining(['guard->permit', 'permit->tools', 'tools->model']));
    expect(edges.filter((edge) => edge.endsWith('->tools'))).toEqual(['permit->tools']);
  });
});
