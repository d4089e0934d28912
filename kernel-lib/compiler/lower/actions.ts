// BMv2 actions: user actions (lowered once, action data as runtime_data) and
// the hidden actions that hold statements written directly in apply blocks.
import type * as ast from '../ast.js';
import type { Bmv2Action, Bmv2Primitive } from '../../bmv2/json-format.js';
import type { ActionDecl } from '../check/model.js';
import type { Emitter } from './emitter.js';
import { exprText } from './text.js';
import { type Env, type Loc, storageWidth } from './layout.js';
import type { ActionModel } from './model.js';
import { type PrimitiveLowering, copyOut } from './primitives.js';

export class ActionTable {
  private readonly byDecl = new Map<ActionDecl, { action: Bmv2Action; binding: string | undefined }>();
  readonly models: ActionModel[] = [];

  constructor(private readonly em: Emitter, private readonly prims: PrimitiveLowering) {}

  /**
   * The BMv2 action of a user action, lowered on first use. `bound` are the
   * arguments an actions list gives its directional parameters (`a(meta.x)`);
   * one BMv2 action serves one binding.
   */
  user(decl: ActionDecl, bound?: ast.Argument[]): Bmv2Action {
    const binding = bound?.map((a) => exprText(a.value)).join(', ');
    const known = this.byDecl.get(decl);
    if (known) {
      if (binding !== undefined && known.binding !== undefined && binding !== known.binding) {
        this.em.unsupported(bound![0]!.span, `action ${decl.name} with different directional arguments in different tables`);
      }
      return known.action;
    }
    const qname = this.em.cp.qnames.get(decl) ?? decl.name;
    const runtime: Bmv2Action['runtime_data'] = [];
    const env: Env = { params: new Map<ast.Param, Loc>() };
    // The actions list binds the directional parameters, in order.
    const directional = decl.params.filter((p) => p.direction !== 'none');
    const args = decl.params.map((p) => (p.direction === 'none' ? undefined : bound?.[directional.indexOf(p)]?.value));
    for (const p of directional) {
      if (!args[decl.params.indexOf(p)]) this.em.unsupported(p.span, `directional parameter '${p.name}' of an action run by a table without an argument for it`);
    }
    const primitives: Bmv2Primitive[] = [];
    const after: Bmv2Primitive[] = [];
    this.prims.bindArgs(decl, args, { params: new Map() }, env, primitives, after);
    for (const p of decl.params) {
      const t = this.em.cp.typeRefs.get(p.type);
      if (!t || p.direction !== 'none') continue;
      env.params.set(p, { k: 'runtime', index: runtime.length, type: t });
      runtime.push({ name: p.name, bitwidth: storageWidth(t) ?? 0 });
    }
    const action = this.em.addAction(this.em.unique('action', qname), runtime, primitives);
    this.byDecl.set(decl, { action, binding: directional.length ? binding : undefined });
    copyOut(primitives, after, this.prims.body(decl.body.body, env, primitives));
    this.models.push({ name: action.name, params: runtime.map((r) => ({ ...r })), annotations: decl.annotations });
    return action;
  }

  /** A hidden action holding statements of an apply block, as p4c's `act`. */
  anonymous(stmts: ast.Stmt[], env: Env): Bmv2Action {
    const primitives: Bmv2Primitive[] = [];
    const action = this.em.addAction(this.em.unique('action', 'act'), [], primitives);
    this.prims.stmts(stmts, env, primitives);
    return action;
  }
}
