import { Field, Float, ID, InputType, Int, ObjectType } from 'type-graphql';
import { OfficerType } from './officer.type';
import { UnitType } from './unit.type';
import { Bounded } from '../limits';
import { MAX_STANDARD_ITEMS } from '../../domain/registry/standards';

@ObjectType('StandardItem', {
  simpleResolvers: true,
  description: 'One item of the creation standards (创建标准), the provincial scheme units are assessed against; loaded by admins from a CSV file.',
})
export class StandardItemType {
  @Field({ description: 'Unique code of the item, e.g. MED-02.' })
  code!: string;

  @Field({ description: 'Aspect (方面) the item belongs to: 组织领导, 治安防范, 矛盾纠纷化解, 重点人群帮教, 安全隐患整治, 法治建设 or 公共服务.' })
  aspect!: string;

  @Field({ description: 'What the item asks of a unit (标准内容).' })
  text!: string;

  @Field(() => Float, { description: 'Weight (分值) of the item in a unit’s score; a unit’s score is 100 × Σ(weight × score) / Σ(weight of every item).' })
  weight!: number;

  @Field(() => Int, { description: 'Place of the item in the scheme (its line in the file last imported).' })
  position!: number;
}

@ObjectType('AssessedItem', { simpleResolvers: true, description: 'How a unit fared on one item of the creation standards in a month (逐项考评).' })
export class AssessedItemType {
  @Field(() => StandardItemType, { description: 'The item assessed.' })
  item!: StandardItemType;

  @Field(() => Float, { description: 'Score of the item, 0 (not met) to 1 (fully met).' })
  score!: number;

  @Field(() => String, { nullable: true, description: 'What the assessor noted (考评说明); null when nothing.' })
  note!: string | null;

  @Field(() => OfficerType, { description: 'The officer who assessed the item last.' })
  assessedBy!: OfficerType;

  @Field({ description: 'When the item was last assessed.' })
  assessedAt!: Date;
}

@ObjectType('UnitAssessment', {
  simpleResolvers: true,
  description: 'A unit’s assessment against the creation standards (创建标准考评) for one month: the items assessed and the resulting score.',
})
export class UnitAssessmentType {
  @Field(() => UnitType, { description: 'The unit assessed (a village or community, an enterprise or an institution).' })
  unit!: UnitType;

  @Field({ description: 'The month assessed, YYYY-MM (Asia/Shanghai).' })
  month!: string;

  @Field(() => Float, {
    nullable: true,
    description:
      'Score (考评得分), 0 to 100: 100 × Σ(weight × score) / Σ(weight of every item of the scheme), items not assessed counting 0; null when nothing was assessed that month.',
  })
  score!: number | null;

  @Field(() => Int, { description: 'How many items the scheme has (the assessed ones are in items).' })
  itemCount!: number;

  @Bounded(MAX_STANDARD_ITEMS)
  @Field(() => [AssessedItemType], { description: 'The items assessed that month, in the scheme’s order.' })
  items!: AssessedItemType[];
}

@InputType('AssessmentItemInput', { description: 'The score of one item of the creation standards.' })
export class AssessmentItemInput {
  @Field({ description: 'Code of the standard item (StandardItem.code).' })
  code!: string;

  @Field(() => Float, { description: 'Score, 0 (not met) to 1 (fully met), at most 3 decimals.' })
  score!: number;

  @Field(() => String, {
    nullable: true,
    description: 'What the assessor noted (考评说明), one line of at most 200 characters; replaces an earlier note of the item, and leaving it out clears it.',
  })
  note?: string | null;
}

@InputType('AssessUnitInput', { description: 'Assess a unit against the creation standards (创建标准考评) for a month.' })
export class AssessUnitInput {
  @Field(() => ID, { description: 'Global id of a village or community, an enterprise or an institution in your jurisdiction (regions are not assessed).' })
  unitId!: string;

  @Field({ description: 'The month assessed, YYYY-MM (Asia/Shanghai): this month or an earlier one, from 2000-01.' })
  month!: string;

  @Field(() => [AssessmentItemInput], {
    description: 'Scores of the items assessed, each code once; items left out keep what they had (0 when never assessed).',
  })
  items!: AssessmentItemInput[];
}
