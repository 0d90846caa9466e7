import { Field, InputType, Int, ObjectType } from 'type-graphql';
import { ID } from 'type-graphql';
import { UnitCategory, UnitKind } from '../../entities';
import { connectionType, Node } from '../relay';

@ObjectType('Unit', {
  simpleResolvers: true,
  implements: Node,
  description:
    'A node of the administrative tree (行政区划 / 创建主体): city, county, township, village or community, or an enterprise or institution under them.',
})
export class UnitType extends Node {
  @Field({ description: 'Unique code: the 12-digit statistical division code, or a registry code for enterprises.' })
  code!: string;

  @Field({ description: 'Name, e.g. 交城县 or 磁窑村.' })
  name!: string;

  @Field(() => UnitKind, { description: 'What the unit is.' })
  kind!: UnitKind;

  @Field(() => UnitCategory, { description: 'Category it counts in for the creation targets.' })
  category!: UnitCategory;

  @Field(() => Int, { description: 'Depth in the tree: 0 for a root (a city).' })
  depth!: number;

  @Field(() => String, { nullable: true, description: 'Campaign baseline date (YYYY-MM-DD): cases open then are stock (存量).' })
  baselineDate?: string;
}

export const UnitConnection = connectionType('Unit', UnitType, 'unit');

@InputType({ description: 'Which units to list; every condition must hold.' })
export class UnitFilter {
  @Field(() => ID, { nullable: true, description: 'Only direct children of this unit.' })
  parentId?: string;

  @Field(() => ID, { nullable: true, description: 'Only this unit and units anywhere under it.' })
  withinId?: string;

  @Field(() => [UnitKind], { nullable: true, description: 'Only units of these kinds.' })
  kind?: UnitKind[];

  @Field(() => [UnitCategory], { nullable: true, description: 'Only units in these categories.' })
  category?: UnitCategory[];

  @Field({ nullable: true, description: 'A substring of the name (e.g. 天宁), or an exact code.' })
  search?: string;
}
