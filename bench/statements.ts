import type { CompiledQuery, Kysely, KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs, QueryResult, RootOperationNode, UnknownRow } from 'kysely'

/**
 * Records the statements a piece of work sends (use `plugin` with `kysely.withPlugin`), so a
 * benchmark can EXPLAIN them afterwards with the same parameters.
 */
export function statementRecorder() {
  const nodes: Array<{ node: RootOperationNode; queryId: PluginTransformQueryArgs['queryId'] }> = []
  const plugin: KyselyPlugin = {
    transformQuery(args: PluginTransformQueryArgs) { nodes.push({ node: args.node, queryId: args.queryId }); return args.node },
    async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> { return args.result },
  }
  /** The recorded statements as `kysely` compiles them: SQL text and parameters. */
  const compiled = <DB>(kysely: Kysely<DB>): CompiledQuery[] => nodes.map((n) => kysely.getExecutor().compileQuery(n.node, n.queryId))
  return { plugin, nodes, compiled }
}
